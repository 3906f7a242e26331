/* xmpp-router.c — the (element, child name, child namespace) → handler
 * table of RFC 6120 §10 local delivery. Lookups are one hash probe per
 * child plus one for the element-wide handlers, so routing costs little
 * next to parsing. */
#include "signalling/xmpp/xmpp-router.h"

#include <string.h>

typedef struct {
  guint id;
  JaXmppStanzaFunc func;
  gpointer user_data;
} Route;

struct _JaXmppRouter {
  GHashTable *table;  /* "element\nname\nns" → GArray of Route */
  guint next_id;
  guint dispatching;  /* > 0: arrays in use are replaced, not changed */
};

static char *
make_key (const char *element, const char *name, const char *ns)
{
  return g_strconcat (element, "\n", name ? name : "", "\n", ns ? ns : "",
      NULL);
}

static void
array_free (gpointer data)
{
  g_array_unref (data);
}

JaXmppRouter *
ja_xmpp_router_new (void)
{
  JaXmppRouter *router = g_new0 (JaXmppRouter, 1);

  router->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      array_free);
  router->next_id = 1;
  return router;
}

void
ja_xmpp_router_free (JaXmppRouter *router)
{
  if (router == NULL)
    return;
  g_hash_table_unref (router->table);
  g_free (router);
}

guint
ja_xmpp_router_add (JaXmppRouter *router, const char *element,
    const char *child_name, const char *ns, JaXmppStanzaFunc func,
    gpointer user_data)
{
  char *key = make_key (element, child_name, ns);
  GArray *routes = g_hash_table_lookup (router->table, key);
  Route r = { router->next_id++, func, user_data };

  if (routes == NULL) {
    routes = g_array_new (FALSE, FALSE, sizeof (Route));
    g_hash_table_insert (router->table, key, routes);
  } else if (router->dispatching > 0) {
    /* A dispatch holds the old array: give the table a changed copy. */
    routes = g_array_copy (routes);
    g_hash_table_insert (router->table, key, routes);
  } else {
    g_free (key);
  }
  g_array_append_val (routes, r);
  return r.id;
}

void
ja_xmpp_router_remove (JaXmppRouter *router, guint id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, router->table);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    GArray *routes = value;

    for (guint i = 0; i < routes->len; i++) {
      if (g_array_index (routes, Route, i).id == id) {
        if (router->dispatching > 0) {
          routes = g_array_copy (routes);
          g_hash_table_iter_replace (&iter, routes);
        }
        g_array_remove_index (routes, i);
        return;
      }
    }
  }
}

static gboolean
run_routes (JaXmppRouter *router, const char *key, const JaXmlNode *stanza)
{
  GArray *routes = g_hash_table_lookup (router->table, key);

  if (routes == NULL)
    return FALSE;
  /* A ref, not a copy: add/remove replace the array while dispatching. */
  g_autoptr (GArray) held = g_array_ref (routes);
  for (guint i = 0; i < held->len; i++) {
    Route *r = &g_array_index (held, Route, i);

    if (r->func (stanza, r->user_data))
      return TRUE;
  }
  return FALSE;
}

static gsize
put (char *key, gsize at, const char *s, gsize max)
{
  gsize len = s != NULL ? strlen (s) : 0;

  if (at + len + 1 >= max)
    return max;
  if (len > 0)          /* s may be NULL: a child in no namespace (xmlns='') */
    memcpy (key + at, s, len);
  return at + len;
}

static gboolean
dispatch (JaXmppRouter *router, const JaXmlNode *stanza);

gboolean
ja_xmpp_router_dispatch (JaXmppRouter *router, const JaXmlNode *stanza)
{
  gboolean consumed;

  router->dispatching++;
  consumed = dispatch (router, stanza);
  router->dispatching--;
  return consumed;
}

static gboolean
dispatch (JaXmppRouter *router, const JaXmlNode *stanza)
{
  char key[512];
  guint n = ja_xml_node_get_n_children (stanza);
  gboolean is_iq = strcmp (stanza->name, "iq") == 0;
  gsize head = put (key, 0, stanza->name, sizeof key);

  if (head + 2 >= sizeof key)
    return FALSE;
  key[head++] = '\n';
  for (guint i = 0; i < n; i++) {
    const JaXmlNode *child = ja_xml_node_get_child (stanza, i);
    gsize at = head;

    if (is_iq)
      at = put (key, at, child->name, sizeof key);
    if (at + 2 >= sizeof key) {
      if (is_iq)
        break;
      continue;
    }
    key[at++] = '\n';
    at = put (key, at, child->ns, sizeof key);
    if (at >= sizeof key) {
      if (is_iq)
        break;    /* too long for any route: only element-wide handlers */
      continue;
    }
    key[at] = '\0';
    if (run_routes (router, key, stanza))
      return TRUE;
    if (is_iq)
      break;  /* an IQ request has exactly one payload (RFC 6120 §8.2.3) */
  }
  key[head] = '\n';
  key[head + 1] = '\0';
  return run_routes (router, key, stanza);
}
