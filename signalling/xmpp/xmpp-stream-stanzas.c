/* xmpp-stream-stanzas.c — stanzas on an established stream (RFC 6120 §8):
 * sending with XEP-0198 accounting and queueing while disconnected, IQ
 * tracking by id with timeouts and a check of who answered (§8.1.2.1),
 * routing of requests to handlers, the built-in answers (disco#info per
 * XEP-0030 with the XEP-0115 caps node, ping per XEP-0199, and
 * service-unavailable for anything unhandled), and our presence. */
#include "signalling/xmpp/xmpp-stream-private.h"

#include <string.h>

#include "signalling/xmpp/caps.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xml/xml-writer.h"

#define JA_CAPS_NODE "https://jingle-agent.invalid/caps"

typedef struct {
  JaXmppStream *stream;   /* unowned: the stream owns the table */
  char *id;
  char *to;               /* NULL: our server or our own account */
  GTask *task;
  guint timeout_id;
} PendingIq;

typedef struct {
  JaXmppStream *stream;
  JaXmppIqHandler iq_handler;
  JaXmppStanzaHandler stanza_handler;
  gpointer user_data;
} Route;

static void
pending_iq_free (gpointer data)
{
  PendingIq *p = data;

  g_clear_handle_id (&p->timeout_id, g_source_remove);
  g_clear_object (&p->task);
  g_free (p->id);
  g_free (p->to);
  g_free (p);
}

static gboolean handle_disco_info (const JaXmlNode *iq, JaXmlNode **result,
    gboolean *deferred, gpointer user_data, GError **error);
static gboolean handle_ping (const JaXmlNode *iq, JaXmlNode **result,
    gboolean *deferred, gpointer user_data, GError **error);

void
ja_xmpp_stream_stanzas_init (JaXmppStream *self)
{
  self->iqs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      pending_iq_free);
  self->router = ja_xmpp_router_new ();
  self->routes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->features = g_ptr_array_new_with_free_func (g_free);
  ja_xmpp_stream_add_feature (self, JA_NS_DISCO_INFO);
  ja_xmpp_stream_add_feature (self, JA_NS_CAPS);
  ja_xmpp_stream_add_feature (self, JA_NS_PING);
  ja_xmpp_stream_add_iq_handler (self, "query", JA_NS_DISCO_INFO,
      handle_disco_info, self);
  ja_xmpp_stream_add_iq_handler (self, "ping", JA_NS_PING, handle_ping, self);
}

/* ---- sending ------------------------------------------------------------ */

static gboolean
is_stanza (const JaXmlNode *node)
{
  return g_str_equal (node->name, "message")
      || g_str_equal (node->name, "presence") || g_str_equal (node->name, "iq");
}

static gboolean
request_ack_cb (gpointer user_data)
{
  JaXmppStream *self = user_data;

  self->ack_idle_id = 0;
  if (self->state == ST_READY && self->sm_enabled
      && ja_xmpp_sm_get_n_unacked (self->sm) > 0)
    ja_xmpp_stream_write_raw (self, "<r xmlns='" JA_NS_SM "'/>", -1);
  return G_SOURCE_REMOVE;
}

/* XEP-0198 leaves the rate of <r/> to us. One per burst, sent after a
 * short quiet spell, keeps the acknowledged queue short without adding a
 * small server write (<a/>) behind every stanza, which Prosody's Nagle would
 * hold behind our delayed ACKs. A long burst asks every 32 stanzas. */
static void
schedule_ack_request (JaXmppStream *self)
{
  if (ja_xmpp_sm_get_n_unacked (self->sm) % 32 == 0) {
    g_clear_handle_id (&self->ack_idle_id, g_source_remove);
    request_ack_cb (self);
    return;
  }
  if (self->ack_idle_id == 0)
    self->ack_idle_id = g_timeout_add (200, request_ack_cb, self);
}

static void
send_serialized (JaXmppStream *self, const JaXmlNode *node, gboolean direct)
{
  gboolean up = direct || self->state == ST_READY;
  char *wire;

  if (!up && !self->sm_enabled) {
    if (g_queue_get_length (&self->pending_plain) >= JA_XMPP_MAX_PENDING_PLAIN) {
      g_info ("stream %s: outage queue full, dropping a <%s/>", self->bare_jid,
          node->name);
      return;
    }
    g_queue_push_tail (&self->pending_plain,
        ja_xml_node_to_string (node, JA_NS_CLIENT));
    return;
  }
  if (up)
    ja_xmpp_stream_log_wire (self, JA_XMPP_WIRE_SENT, node);
  wire = ja_xml_node_to_string (node, JA_NS_CLIENT);
  if (up)
    ja_xmpp_stream_write_raw (self, wire, strlen (wire));
  if (self->sm_enabled && is_stanza (node)) {
    if (!ja_xmpp_sm_push (self->sm, wire))
      g_info ("stream %s: more than %u stanzas unacknowledged; this one "
          "will not be resent after an outage", self->bare_jid,
          JA_XMPP_SM_MAX_UNACKED);
    if (up)
      schedule_ack_request (self);
  } else {
    g_free (wire);
  }
}

void
ja_xmpp_stream_send (JaXmppStream *self, JaXmlNode *stanza)
{
  g_autoptr (JaXmlNode) owned = stanza;

  g_return_if_fail (JA_IS_XMPP_STREAM (self));
  if (self->state == ST_CLOSED || self->state == ST_CLOSING)
    return;
  send_serialized (self, owned, FALSE);
}

/* After <resumed/>: what the server has not acknowledged goes out again in
 * order, and stays queued until acknowledged. */
void
ja_xmpp_stream_resend_unacked (JaXmppStream *self)
{
  for (guint i = 0; i < ja_xmpp_sm_get_n_unacked (self->sm); i++) {
    const char *wire = ja_xmpp_sm_peek_unacked (self->sm, i);

    ja_xmpp_stream_write_raw (self, wire, strlen (wire));
  }
}

static JaXmlNode *
build_presence (JaXmppStream *self)
{
  JaXmlNode *pres = ja_xml_node_new ("presence", JA_NS_CLIENT);
  JaXmlNode *c = ja_xml_node_add_new (pres, "c", JA_NS_CAPS);

  ja_xml_node_set_attr (c, "hash", "sha-1");
  ja_xml_node_set_attr (c, "node", JA_CAPS_NODE);
  ja_xml_node_set_attr (c, "ver", ja_xmpp_stream_get_caps_ver (self));
  return pres;
}

void
ja_xmpp_stream_session_started (JaXmppStream *self, gboolean fresh)
{
  ja_xmpp_stream_became_ready (self, !fresh);
  if (self->state != ST_READY)
    return;
  if (fresh) {
    /* A new session has no presence yet (RFC 6121 §4.2). */
    g_autoptr (JaXmlNode) pres = build_presence (self);

    send_serialized (self, pres, FALSE);
  }
  while (!g_queue_is_empty (&self->pending_plain)) {
    char *wire = g_queue_pop_head (&self->pending_plain);

    ja_xmpp_stream_write_raw (self, wire, strlen (wire));
    if (self->sm_enabled)
      ja_xmpp_sm_push (self->sm, wire);
    else
      g_free (wire);
  }
  if (self->sm_enabled)
    schedule_ack_request (self);
}

void
ja_xmpp_stream_update_presence (JaXmppStream *self)
{
  g_clear_pointer (&self->caps_ver, g_free);
  if (self->state == ST_READY) {
    g_autoptr (JaXmlNode) pres = build_presence (self);

    send_serialized (self, pres, FALSE);
  }
}

/* ---- IQ tracking -------------------------------------------------------- */

static gboolean
iq_timeout_cb (gpointer user_data)
{
  PendingIq *p = user_data;
  JaXmppStream *self = p->stream;
  GTask *task = g_steal_pointer (&p->task);

  p->timeout_id = 0;
  g_task_return_new_error (task, JA_XMPP_STREAM_ERROR,
      JA_XMPP_STREAM_ERROR_TIMEOUT, "no answer from %s within %u ms",
      p->to ? p->to : self->domain, self->cfg.iq_timeout_ms);
  g_hash_table_remove (self->iqs, p->id);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
send_iq (JaXmppStream *self, JaXmlNode *iq, gboolean direct,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JaXmlNode) owned = iq;
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PendingIq *p;

  g_task_set_source_tag (task, ja_xmpp_stream_iq_async);
  if (g_hash_table_size (self->iqs) >= JA_XMPP_MAX_PENDING_IQS) {
    g_task_return_new_error (task, JA_XMPP_ERROR,
        JA_XMPP_ERROR_RESOURCE_CONSTRAINT, "too many IQs in flight");
    g_object_unref (task);
    return;
  }
  if (ja_xml_node_get_attr (owned, "id") == NULL)
    ja_xml_node_set_attr_printf (owned, "id", "ja%" G_GUINT64_FORMAT,
        ++self->next_id);
  p = g_new0 (PendingIq, 1);
  p->stream = self;
  p->id = g_strdup (ja_xml_node_get_attr (owned, "id"));
  p->to = g_strdup (ja_xml_node_get_attr (owned, "to"));
  p->task = task;
  p->timeout_id = g_timeout_add (self->cfg.iq_timeout_ms, iq_timeout_cb, p);
  g_hash_table_replace (self->iqs, p->id, p);
  send_serialized (self, owned, direct);
}

void
ja_xmpp_stream_iq_async (JaXmppStream *self, JaXmlNode *iq,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  send_iq (self, iq, FALSE, cancellable, callback, user_data);
}

void
ja_xmpp_stream_iq_internal (JaXmppStream *self, JaXmlNode *iq,
    GAsyncReadyCallback callback, gpointer user_data)
{
  send_iq (self, iq, TRUE, NULL, callback, user_data);
}

JaXmlNode *
ja_xmpp_stream_iq_finish (JaXmppStream *self, GAsyncResult *res,
    GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

void
ja_xmpp_stream_fail_all_iqs (JaXmppStream *self, int code, const char *message)
{
  GHashTableIter iter;
  gpointer value;
  GPtrArray *tasks = g_ptr_array_new ();

  if (self->iqs == NULL)
    return;
  g_hash_table_iter_init (&iter, self->iqs);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    PendingIq *p = value;

    if (p->task != NULL)
      g_ptr_array_add (tasks, g_steal_pointer (&p->task));
  }
  g_hash_table_remove_all (self->iqs);
  for (guint i = 0; i < tasks->len; i++) {
    GTask *task = g_ptr_array_index (tasks, i);

    g_task_return_new_error (task, JA_XMPP_STREAM_ERROR, code, "%s", message);
    g_object_unref (task);
  }
  g_ptr_array_unref (tasks);
}

/* RFC 6120 §8.1.2.1: a response must come from whom the request went to;
 * a request without 'to' is answered by our server, or on our behalf. */
static gboolean
response_from_ok (JaXmppStream *self, const PendingIq *p, const char *from)
{
  gboolean to_self = p->to == NULL || g_str_equal (p->to, self->domain)
      || g_str_equal (p->to, self->bare_jid);

  /* Serverless: the peer is the only one there is (its stanzas carry its
   * JID, stamped on arrival). */
  if (self->peer_jid != NULL && g_strcmp0 (from, self->peer_jid) == 0)
    return TRUE;
  if (from == NULL)
    return to_self;
  if (p->to != NULL && g_str_equal (from, p->to))
    return TRUE;
  return to_self && (g_str_equal (from, self->domain)
      || g_str_equal (from, self->bare_jid)
      || (self->bound_jid != NULL && g_str_equal (from, self->bound_jid)));
}

static void
handle_iq_response (JaXmppStream *self, const JaXmlNode *iq, const char *type)
{
  const char *id = ja_xml_node_get_attr (iq, "id");
  PendingIq *p = id ? g_hash_table_lookup (self->iqs, id) : NULL;
  GTask *task;

  if (p == NULL
      || !response_from_ok (self, p, ja_xml_node_get_attr (iq, "from"))) {
    g_debug ("stream %s: dropping unsolicited IQ %s", self->bare_jid,
        id ? id : "(no id)");
    return;
  }
  task = g_steal_pointer (&p->task);
  g_hash_table_remove (self->iqs, id);
  if (g_str_equal (type, "result"))
    g_task_return_pointer (task, ja_xml_node_copy (iq),
        (GDestroyNotify) ja_xml_node_free);
  else
    g_task_return_error (task, ja_xmpp_error_from_stanza (iq));
  g_object_unref (task);
}

/* ---- replies ------------------------------------------------------------ */

static JaXmlNode *
new_reply (const JaXmlNode *request, const char *type)
{
  JaXmlNode *reply = ja_xml_node_new (request->name, JA_NS_CLIENT);
  const char *from = ja_xml_node_get_attr (request, "from");
  const char *id = ja_xml_node_get_attr (request, "id");

  ja_xml_node_set_attr (reply, "type", type);
  if (from != NULL)
    ja_xml_node_set_attr (reply, "to", from);
  if (id != NULL)
    ja_xml_node_set_attr (reply, "id", id);
  return reply;
}

void
ja_xmpp_stream_reply (JaXmppStream *self, const JaXmlNode *iq,
    JaXmlNode *result)
{
  JaXmlNode *reply = new_reply (iq, "result");

  if (result != NULL)
    ja_xml_node_add_child (reply, result);
  ja_xmpp_stream_send (self, reply);
}

void
ja_xmpp_stream_reply_error (JaXmppStream *self, const JaXmlNode *stanza,
    const GError *error)
{
  JaXmlNode *reply;

  /* RFC 6120 §8.3.1: never answer an error with an error. */
  if (g_strcmp0 (ja_xml_node_get_attr (stanza, "type"), "error") == 0)
    return;
  reply = new_reply (stanza, "error");
  ja_xml_node_add_child (reply, ja_xmpp_error_to_node (error));
  ja_xmpp_stream_send (self, reply);
}

/* ---- routing ------------------------------------------------------------ */

static gboolean
route_iq_cb (const JaXmlNode *iq, gpointer user_data)
{
  Route *r = user_data;
  JaXmppStream *self = r->stream;
  g_autoptr (JaXmlNode) result = NULL;
  g_autoptr (GError) error = NULL;
  gboolean deferred = FALSE;

  if (!r->iq_handler (iq, &result, &deferred, r->user_data, &error)) {
    if (error == NULL)
      error = g_error_new_literal (JA_XMPP_ERROR,
          JA_XMPP_ERROR_INTERNAL_SERVER_ERROR, "handler failed");
    ja_xmpp_stream_reply_error (self, iq, error);
    return TRUE;
  }
  if (!deferred)
    ja_xmpp_stream_reply (self, iq, g_steal_pointer (&result));
  return TRUE;
}

static gboolean
route_stanza_cb (const JaXmlNode *stanza, gpointer user_data)
{
  Route *r = user_data;

  return r->stanza_handler (stanza, r->user_data);
}

guint
ja_xmpp_stream_add_iq_handler (JaXmppStream *self, const char *name,
    const char *ns, JaXmppIqHandler handler, gpointer user_data)
{
  Route *r = g_new0 (Route, 1);
  guint id;

  r->stream = self;
  r->iq_handler = handler;
  r->user_data = user_data;
  id = ja_xmpp_router_add (self->router, "iq", name, ns, route_iq_cb, r);
  g_hash_table_insert (self->routes, GUINT_TO_POINTER (id), r);
  return id;
}

guint
ja_xmpp_stream_add_stanza_handler (JaXmppStream *self, const char *element,
    const char *ns, JaXmppStanzaHandler handler, gpointer user_data)
{
  Route *r = g_new0 (Route, 1);
  guint id;

  r->stream = self;
  r->stanza_handler = handler;
  r->user_data = user_data;
  id = ja_xmpp_router_add (self->router, element, NULL, ns, route_stanza_cb, r);
  g_hash_table_insert (self->routes, GUINT_TO_POINTER (id), r);
  return id;
}

void
ja_xmpp_stream_remove_handler (JaXmppStream *self, guint id)
{
  ja_xmpp_router_remove (self->router, id);
  g_hash_table_remove (self->routes, GUINT_TO_POINTER (id));
}

void
ja_xmpp_stream_handle_stanza (JaXmppStream *self, const JaXmlNode *node)
{
  const char *type = ja_xml_node_get_attr (node, "type");

  if (self->state != ST_READY && self->state != ST_BIND
      && self->state != ST_CLOSING) {
    ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_PROTOCOL, "<%s/> before the session began",
            node->name));
    return;
  }
  if (self->sm_counting_in)
    ja_xmpp_sm_handled (self->sm);

  if (g_str_equal (node->name, "iq")) {
    if (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0) {
      handle_iq_response (self, node, type);
      return;
    }
    if ((g_strcmp0 (type, "get") != 0 && g_strcmp0 (type, "set") != 0)
        || ja_xml_node_get_attr (node, "id") == NULL
        || ja_xml_node_get_n_children (node) != 1) {
      g_autoptr (GError) e = g_error_new_literal (JA_XMPP_ERROR,
          JA_XMPP_ERROR_BAD_REQUEST,
          "an IQ request needs an id, a type of get or set, and one payload");
      ja_xmpp_stream_reply_error (self, node, e);
      return;
    }
    if (!ja_xmpp_router_dispatch (self->router, node)) {
      /* RFC 6120 §8.4: a request nobody handles. */
      g_autoptr (GError) e = g_error_new_literal (JA_XMPP_ERROR,
          JA_XMPP_ERROR_SERVICE_UNAVAILABLE, "");
      ja_xmpp_stream_reply_error (self, node, e);
    }
    return;
  }
  if (g_str_equal (node->name, "message")
      || g_str_equal (node->name, "presence")) {
    ja_xmpp_router_dispatch (self->router, node);
    return;
  }
  ja_xmpp_stream_send_stream_error (self, "unsupported-stanza-type", NULL);
  ja_xmpp_stream_set_fatal (self, g_error_new (JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_PROTOCOL, "unsupported stanza <%s/>",
          node->name));
}

/* ---- disco#info, caps, ping --------------------------------------------- */

static int
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
ja_xmpp_stream_add_feature (JaXmppStream *self, const char *feature)
{
  for (guint i = 0; i < self->features->len; i++)
    if (g_str_equal (g_ptr_array_index (self->features, i), feature))
      return;
  g_ptr_array_add (self->features, g_strdup (feature));
  g_ptr_array_sort (self->features, compare_str);
  g_clear_pointer (&self->features_strv, g_free);
  g_clear_pointer (&self->caps_ver, g_free);
}

const char *const *
ja_xmpp_stream_get_features (JaXmppStream *self)
{
  if (self->features_strv == NULL) {
    self->features_strv = g_new0 (const char *, self->features->len + 1);
    for (guint i = 0; i < self->features->len; i++)
      self->features_strv[i] = g_ptr_array_index (self->features, i);
  }
  return self->features_strv;
}

static const JaCapsIdentity identity = {
  .category = "client", .type = "bot", .lang = NULL, .name = "jingle-agent",
};

const char *
ja_xmpp_stream_get_caps_ver (JaXmppStream *self)
{
  if (self->caps_ver == NULL)
    self->caps_ver = ja_caps_hash_sha1 (&identity, 1,
        ja_xmpp_stream_get_features (self), self->features->len, NULL, 0);
  return self->caps_ver;
}

static gboolean
handle_disco_info (const JaXmlNode *iq, JaXmlNode **result,
    gboolean *deferred, gpointer user_data, GError **error)
{
  JaXmppStream *self = user_data;
  JaXmlNode *query = ja_xml_node_get_child (iq, 0);
  const char *node = ja_xml_node_get_attr (query, "node");
  g_autofree char *caps_node = NULL;
  JaXmlNode *out, *id;

  if (g_strcmp0 (ja_xml_node_get_attr (iq, "type"), "get") != 0) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "disco#info is a get");
    return FALSE;
  }
  caps_node = g_strdup_printf ("%s#%s", JA_CAPS_NODE,
      ja_xmpp_stream_get_caps_ver (self));
  if (node != NULL && !g_str_equal (node, caps_node)) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_ITEM_NOT_FOUND,
        "no such node");
    return FALSE;
  }
  out = ja_xml_node_new ("query", JA_NS_DISCO_INFO);
  if (node != NULL)
    ja_xml_node_set_attr (out, "node", node);
  id = ja_xml_node_add_new (out, "identity", NULL);
  ja_xml_node_set_attr (id, "category", identity.category);
  ja_xml_node_set_attr (id, "type", identity.type);
  ja_xml_node_set_attr (id, "name", identity.name);
  for (guint i = 0; i < self->features->len; i++) {
    JaXmlNode *f = ja_xml_node_add_new (out, "feature", NULL);

    ja_xml_node_set_attr (f, "var", g_ptr_array_index (self->features, i));
  }
  *result = out;
  return TRUE;
}

static gboolean
handle_ping (const JaXmlNode *iq, JaXmlNode **result, gboolean *deferred,
    gpointer user_data, GError **error)
{
  return TRUE;   /* XEP-0199 §4: an empty result */
}

static void
probe_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaXmlNode) reply = NULL;
  g_autoptr (GError) error = NULL;

  /* Any answer — even an error — proves the link is alive; the read path
   * already refreshed the clock. */
  reply = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (source), res, &error);
}

void
ja_xmpp_stream_send_ping_probe (JaXmppStream *self)
{
  JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);

  ja_xml_node_set_attr (iq, "type", "get");
  ja_xml_node_set_attr (iq, "to", self->peer_jid ? self->peer_jid
      : self->domain);
  ja_xml_node_add_new (iq, "ping", JA_NS_PING);
  ja_xmpp_stream_iq_async (self, iq, NULL, probe_cb, NULL);
}
