/* xmpp-router.c — the (element, child name, child namespace) → handler
 * table of RFC 6120 §10 local delivery. Lookups are one hash probe per
 * child plus one for the element-wide handlers, so routing costs little
 * next to parsing. */
#include "signalling/xmpp/xmpp-router.h"

typedef struct {
  guint id;
  JaXmppStanzaFunc func;
  gpointer user_data;
} Route;

struct _JaXmppRouter {
  GHashTable *table;  /* "element\nname\nns" → GArray of Route */
  guint next_id;
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
  /* Copy: a handler may add or remove routes. */
  g_autoptr (GArray) copy = g_array_copy (routes);
  for (guint i = 0; i < copy->len; i++) {
    Route *r = &g_array_index (copy, Route, i);

    if (r->func (stanza, r->user_data))
      return TRUE;
  }
  return FALSE;
}

gboolean
ja_xmpp_router_dispatch (JaXmppRouter *router, const JaXmlNode *stanza)
{
  /* A stack buffer keeps the hot path free of allocations. */
  char key[512];
  guint n = ja_xml_node_get_n_children (stanza);
  gboolean is_iq = g_str_equal (stanza->name, "iq");

  for (guint i = 0; i < n; i++) {
    const JaXmlNode *child = ja_xml_node_get_child (stanza, i);
    int len;

    if (is_iq)
      len = g_snprintf (key, sizeof key, "%s\n%s\n%s", stanza->name,
          child->name, child->ns ? child->ns : "");
    else
      len = g_snprintf (key, sizeof key, "%s\n\n%s", stanza->name,
          child->ns ? child->ns : "");
    if (len > 0 && (gsize) len < sizeof key && run_routes (router, key, stanza))
      return TRUE;
    if (is_iq)
      break;  /* an IQ request has exactly one payload (RFC 6120 §8.2.3) */
  }
  g_snprintf (key, sizeof key, "%s\n\n", stanza->name);
  return run_routes (router, key, stanza);
}
