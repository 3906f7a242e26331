/* services.c — discovery of what the server offers: disco#info features and
 * items (XEP-0030), SOCKS5 proxies (XEP-0065 §4: an item whose identity is
 * proxy/bytestreams, then its streamhost), and external services (XEP-0215).
 * All queries run concurrently; one that fails leaves its part empty. */
#include "signalling/xmpp/services.h"

#include <string.h>

#include "signalling/xmpp/ns.h"

void
ja_s5b_proxy_free (JaS5bProxy *proxy)
{
  if (proxy == NULL)
    return;
  g_free (proxy->jid);
  g_free (proxy->host);
  g_free (proxy);
}

void
ja_ext_service_free (JaExtService *s)
{
  if (s == NULL)
    return;
  g_free (s->type);
  g_free (s->host);
  g_free (s->transport);
  g_free (s->username);
  g_free (s->password);
  g_free (s->expires);
  g_free (s->name);
  g_free (s);
}

static gboolean
parse_port (const char *text, guint16 *port)
{
  guint64 v;

  if (text == NULL) {
    *port = 0;
    return TRUE;
  }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &v, NULL))
    return FALSE;
  *port = v;
  return TRUE;
}

/* Bounded: a server list of thousands of services is not plausible. */
#define MAX_SERVICES 64

GPtrArray *
ja_extdisco_parse (const JaXmlNode *services, GError **error)
{
  g_autoptr (GPtrArray) out =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ja_ext_service_free);

  if (services == NULL || !ja_xml_node_is (services, "services", JA_NS_EXTDISCO)) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "not an XEP-0215 <services/> element");
    return NULL;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (services)
      && out->len < MAX_SERVICES; i++) {
    const JaXmlNode *c = ja_xml_node_get_child (services, i);
    const char *restricted;
    JaExtService *s;
    guint16 port;

    if (!g_str_equal (c->name, "service")
        || ja_xml_node_get_attr (c, "type") == NULL
        || ja_xml_node_get_attr (c, "host") == NULL
        || !parse_port (ja_xml_node_get_attr (c, "port"), &port))
      continue;
    s = g_new0 (JaExtService, 1);
    s->type = g_strdup (ja_xml_node_get_attr (c, "type"));
    s->host = g_strdup (ja_xml_node_get_attr (c, "host"));
    s->port = port;
    s->transport = g_strdup (ja_xml_node_get_attr (c, "transport"));
    s->username = g_strdup (ja_xml_node_get_attr (c, "username"));
    s->password = g_strdup (ja_xml_node_get_attr (c, "password"));
    s->expires = g_strdup (ja_xml_node_get_attr (c, "expires"));
    s->name = g_strdup (ja_xml_node_get_attr (c, "name"));
    restricted = ja_xml_node_get_attr (c, "restricted");
    s->restricted = g_strcmp0 (restricted, "true") == 0
        || g_strcmp0 (restricted, "1") == 0;
    g_ptr_array_add (out, s);
  }
  return g_steal_pointer (&out);
}

JaS5bProxy *
ja_s5b_proxy_parse (const JaXmlNode *query, GError **error)
{
  if (query == NULL || !ja_xml_node_is (query, "query", JA_NS_BYTESTREAMS)) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "not a bytestreams <query/>");
    return NULL;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (query); i++) {
    const JaXmlNode *c = ja_xml_node_get_child (query, i);
    const char *jid = ja_xml_node_get_attr (c, "jid");
    const char *host = ja_xml_node_get_attr (c, "host");
    guint16 port;
    JaS5bProxy *p;

    if (!g_str_equal (c->name, "streamhost") || jid == NULL || host == NULL
        || !parse_port (ja_xml_node_get_attr (c, "port"), &port))
      continue;
    p = g_new0 (JaS5bProxy, 1);
    p->jid = g_strdup (jid);
    p->host = g_strdup (host);
    p->port = port ? port : 1080;   /* XEP-0065 §5.3.1 default */
    return p;
  }
  g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_ITEM_NOT_FOUND,
      "no usable <streamhost/>");
  return NULL;
}

void
ja_server_info_free (JaServerInfo *info)
{
  if (info == NULL)
    return;
  g_strfreev (info->features);
  g_clear_pointer (&info->proxies, g_ptr_array_unref);
  g_clear_pointer (&info->services, g_ptr_array_unref);
  g_free (info->services_error);
  g_free (info);
}

/* ---- discovery ---------------------------------------------------------- */

typedef struct {
  JaServerInfo *info;
  guint outstanding;
} Discovery;

static void
discovery_free (gpointer data)
{
  Discovery *d = data;

  ja_server_info_free (d->info);
  g_free (d);
}

static void
discovery_done_one (GTask *task)
{
  Discovery *d = g_task_get_task_data (task);

  if (--d->outstanding > 0) {
    g_object_unref (task);
    return;
  }
  g_task_return_pointer (task, g_steal_pointer (&d->info),
      (GDestroyNotify) ja_server_info_free);
  g_object_unref (task);
}

static JaXmlNode *
new_get (const char *to, const char *name, const char *ns)
{
  JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);

  ja_xml_node_set_attr (iq, "type", "get");
  ja_xml_node_set_attr (iq, "to", to);
  ja_xml_node_add_new (iq, name, ns);
  return iq;
}

static void
send_query (GTask *task, const char *to, const char *name, const char *ns,
    GAsyncReadyCallback cb)
{
  Discovery *d = g_task_get_task_data (task);

  d->outstanding++;
  ja_xmpp_stream_iq_async (g_task_get_source_object (task),
      new_get (to, name, ns), g_task_get_cancellable (task), cb,
      g_object_ref (task));
}

static void
streamhost_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  Discovery *d = g_task_get_task_data (task);
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, NULL);
  JaS5bProxy *proxy = reply ? ja_s5b_proxy_parse (
      ja_xml_node_find (reply, "query", JA_NS_BYTESTREAMS), NULL) : NULL;

  if (proxy != NULL)
    g_ptr_array_add (d->info->proxies, proxy);
  discovery_done_one (task);
}

static void
item_info_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, NULL);
  JaXmlNode *query = reply ? ja_xml_node_find (reply, "query",
      JA_NS_DISCO_INFO) : NULL;

  for (guint i = 0; query && i < ja_xml_node_get_n_children (query); i++) {
    JaXmlNode *c = ja_xml_node_get_child (query, i);

    if (g_str_equal (c->name, "identity")
        && g_strcmp0 (ja_xml_node_get_attr (c, "category"), "proxy") == 0
        && g_strcmp0 (ja_xml_node_get_attr (c, "type"), "bytestreams") == 0) {
      send_query (task, ja_xml_node_get_attr (reply, "from"), "query",
          JA_NS_BYTESTREAMS, streamhost_cb);
      break;
    }
  }
  discovery_done_one (task);
}

#define MAX_ITEMS 32

static void
items_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, NULL);
  JaXmlNode *query = reply ? ja_xml_node_find (reply, "query",
      JA_NS_DISCO_ITEMS) : NULL;
  guint n = 0;

  for (guint i = 0; query && i < ja_xml_node_get_n_children (query)
      && n < MAX_ITEMS; i++) {
    JaXmlNode *c = ja_xml_node_get_child (query, i);
    const char *jid = ja_xml_node_get_attr (c, "jid");

    if (!g_str_equal (c->name, "item") || jid == NULL
        || ja_xml_node_get_attr (c, "node") != NULL)
      continue;
    send_query (task, jid, "query", JA_NS_DISCO_INFO, item_info_cb);
    n++;
  }
  discovery_done_one (task);
}

static int
strptr_cmp (gconstpointer a, gconstpointer b, gpointer unused)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static void
info_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  Discovery *d = g_task_get_task_data (task);
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, NULL);
  JaXmlNode *query = reply ? ja_xml_node_find (reply, "query",
      JA_NS_DISCO_INFO) : NULL;
  GPtrArray *features = g_ptr_array_new ();

  for (guint i = 0; query && i < ja_xml_node_get_n_children (query); i++) {
    JaXmlNode *c = ja_xml_node_get_child (query, i);
    const char *var = ja_xml_node_get_attr (c, "var");

    if (g_str_equal (c->name, "feature") && var != NULL)
      g_ptr_array_add (features, g_strdup (var));
  }
  g_ptr_array_add (features, NULL);
  g_strfreev (d->info->features);
  d->info->features = (char **) g_ptr_array_free (features, FALSE);
  g_qsort_with_data (d->info->features,
      g_strv_length (d->info->features), sizeof (char *),
      strptr_cmp, NULL);
  discovery_done_one (task);
}

static void
services_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  Discovery *d = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, &error);
  GPtrArray *services = NULL;

  if (reply != NULL)
    services = ja_extdisco_parse (ja_xml_node_find (reply, "services",
            JA_NS_EXTDISCO), &error);
  if (services != NULL) {
    g_ptr_array_extend_and_steal (d->info->services, services);
  } else {
    g_free (d->info->services_error);
    d->info->services_error = g_strdup (error->message);
  }
  discovery_done_one (task);
}

void
ja_xmpp_discover_server_async (JaXmppStream *stream, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);
  Discovery *d = g_new0 (Discovery, 1);
  const char *domain = ja_xmpp_stream_get_domain (stream);

  d->info = g_new0 (JaServerInfo, 1);
  d->info->features = g_new0 (char *, 1);
  d->info->proxies =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ja_s5b_proxy_free);
  d->info->services =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ja_ext_service_free);
  g_task_set_task_data (task, d, discovery_free);
  d->outstanding = 1;  /* held until every query is sent */
  send_query (task, domain, "query", JA_NS_DISCO_INFO, info_cb);
  send_query (task, domain, "query", JA_NS_DISCO_ITEMS, items_cb);
  send_query (task, domain, "services", JA_NS_EXTDISCO, services_cb);
  discovery_done_one (task);
}

JaServerInfo *
ja_xmpp_discover_server_finish (JaXmppStream *stream, GAsyncResult *res,
    GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}
