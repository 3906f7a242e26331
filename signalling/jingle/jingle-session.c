/* jingle-session.c — one Jingle session (XEP-0166): set_state(), the only
 * place the state changes (curl), our requests and their answers, the end
 * of a session (§6.7), the never-accepted timeout, and the local actions.
 * What the peer sends is handled in jingle-session-actions.c (the allowed-
 * actions table and the handler array). Owns its contents; the manager holds
 * one reference until the session ends. */
#include "signalling/jingle/jingle-private.h"

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"


G_DEFINE_TYPE (JaJingleSession, ja_jingle_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *props[N_PROPS];

guint ja_jingle_session_signals[JA_JINGLE_SESSION_N_SIGNALS];
#define signals ja_jingle_session_signals
#define TERMINATED JA_JINGLE_SESSION_SIGNAL_TERMINATED
#define CONTENT_REMOVED JA_JINGLE_SESSION_SIGNAL_CONTENT_REMOVED

static const char *const state_names[JA_JINGLE_N_STATES] = {
  [JA_JINGLE_STATE_NEW] = "NEW",
  [JA_JINGLE_STATE_PENDING] = "PENDING",
  [JA_JINGLE_STATE_ACTIVE] = "ACTIVE",
  [JA_JINGLE_STATE_ENDED] = "ENDED",
};

/* An IQ of ours awaiting its answer; holds a reference on the session. */
typedef struct {
  JaJingleSession *session;
  JaJingleAction action;
  JaJingleRole creator;
  char *content;                /* the first content's name, nullable */
} Request;

const char *
ja_jingle_state_to_string (JaJingleState state)
{
  return (guint) state < JA_JINGLE_N_STATES ? state_names[state] : "?";
}

JaJingleRole
ja_jingle_session_peer_role (JaJingleSession *self)
{
  return self->role == JA_JINGLE_ROLE_INITIATOR ? JA_JINGLE_ROLE_RESPONDER
      : JA_JINGLE_ROLE_INITIATOR;
}

static gboolean
accept_timeout_cb (gpointer data)
{
  JaJingleSession *self = data;

  self->timeout_id = 0;
  g_info ("session %s: never accepted, giving up", self->sid);
  ja_jingle_session_terminate (self, JA_JINGLE_REASON_TIMEOUT, NULL);
  return G_SOURCE_REMOVE;
}

void
ja_jingle_session_set_state (JaJingleSession *self, JaJingleState state)
{
  if (self->state == state)
    return;
  g_debug ("session %s: %s -> %s", self->sid, state_names[self->state],
      state_names[state]);
  self->state = state;
  if (state != JA_JINGLE_STATE_PENDING)
    g_clear_handle_id (&self->timeout_id, g_source_remove);
  else if (self->accept_timeout_ms > 0 && self->timeout_id == 0)
    self->timeout_id = g_timeout_add (self->accept_timeout_ms,
        accept_timeout_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* ---- sending ------------------------------------------------------------ */

static void
request_free (Request *req)
{
  g_object_unref (req->session);
  g_free (req->content);
  g_free (req);
}

void
ja_jingle_session_drop_content (JaJingleSession *self, JaJingleContent *c,
    JaJingleReason reason, gboolean notify)
{
  if (notify)
    g_signal_emit (self, signals[CONTENT_REMOVED], 0, c);
  ja_jingle_content_shutdown (c, reason);
  g_ptr_array_remove (self->contents, c);
}

/* The peer answered one of our requests with an error. A conflict is the
 * tie-break of §7.2.16 (the app condition does not survive
 * ja_xmpp_error_from_stanza, but conflict means nothing else here). */
static void
request_failed (JaJingleSession *self, Request *req, const GError *error)
{
  gboolean tie = g_error_matches (error, JA_XMPP_ERROR,
      JA_XMPP_ERROR_CONFLICT);
  JaJingleContent *c = req->content == NULL ? NULL
      : ja_jingle_session_find_content (self, req->creator, req->content);

  g_info ("session %s: peer refused %s: %s", self->sid,
      ja_jingle_action_to_string (req->action), error->message);
  switch (req->action) {
  case JA_JINGLE_ACTION_SESSION_INITIATE:
  case JA_JINGLE_ACTION_SESSION_ACCEPT:
    ja_jingle_session_end_full (self, tie ? JA_JINGLE_REASON_ALTERNATIVE_SESSION
        : JA_JINGLE_REASON_GENERAL_ERROR, error->message, FALSE, FALSE);
    break;
  case JA_JINGLE_ACTION_CONTENT_ADD:
    if (c != NULL && !c->accepted) {
      ja_jingle_session_drop_content (self, c, JA_JINGLE_REASON_GENERAL_ERROR, TRUE);
      if (self->contents->len == 0)
        ja_jingle_session_end (self, JA_JINGLE_REASON_SUCCESS, NULL, TRUE);
    }
    break;
  case JA_JINGLE_ACTION_TRANSPORT_REPLACE:
    if (c != NULL)
      ja_jingle_content_replace_failed (c, tie);
    break;
  default:
    break;
  }
}

static void
request_done_cb (const JaXmlNode *result, const GError *error,
    gpointer user_data)
{
  Request *req = user_data;
  JaJingleSession *self = req->session;

  g_ptr_array_remove (self->pending, req);
  if (error != NULL && self->state != JA_JINGLE_STATE_ENDED
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    request_failed (self, req, error);
  request_free (req);
}

void
ja_jingle_session_send (JaJingleSession *self, JaJingleMessage *msg)
{
  g_autoptr (JaJingleMessage) owned = msg;
  (void) owned;
  JaXmlNode *iq;
  Request *req;

  if (self->manager == NULL)
    return;
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", self->peer);
  ja_xml_node_add_child (iq, ja_jingle_message_build (msg));
  req = g_new0 (Request, 1);
  req->session = g_object_ref (self);
  req->action = msg->action;
  if (msg->contents->len > 0) {
    JaJingleMessageContent *mc = g_ptr_array_index (msg->contents, 0);

    req->creator = mc->creator;
    req->content = g_strdup (mc->name);
  }
  g_ptr_array_add (self->pending, req);
  ja_jingle_manager_send_iq (self->manager, iq, request_done_cb, req);
}

gboolean
ja_jingle_session_has_pending (JaJingleSession *self, JaJingleAction action, const char *name)
{
  for (guint i = 0; i < self->pending->len; i++) {
    Request *req = g_ptr_array_index (self->pending, i);

    if (req->action == action && g_strcmp0 (req->content, name) == 0)
      return TRUE;
  }
  return FALSE;
}

/* ---- ending ------------------------------------------------------------- */

void
ja_jingle_session_end_full (JaJingleSession *self, JaJingleReason reason, const char *text,
    gboolean send, gboolean by_peer)
{
  g_autoptr (JaJingleSession) keep = NULL;

  if (self->state == JA_JINGLE_STATE_ENDED)
    return;
  keep = g_object_ref (self);
  /* §6.7: the session is ENDED as soon as session-terminate is sent. */
  if (send && self->state != JA_JINGLE_STATE_NEW) {
    JaJingleMessage *msg = ja_jingle_message_new (
        JA_JINGLE_ACTION_SESSION_TERMINATE, self->sid);

    ja_jingle_message_set_reason (msg, reason, text);
    ja_jingle_session_send (self, msg);
  }
  g_info ("session %s: ended (%s%s%s)%s", self->sid,
      ja_jingle_reason_to_string (reason), text ? ": " : "", text ? text : "",
      by_peer ? " by the peer" : "");
  self->end_reason = reason;
  ja_jingle_session_set_state (self, JA_JINGLE_STATE_ENDED);
  for (guint i = 0; i < self->contents->len; i++)
    ja_jingle_content_shutdown (g_ptr_array_index (self->contents, i), reason);
  g_signal_emit (self, signals[TERMINATED], 0, (guint) reason, text, by_peer);
  if (self->manager != NULL)
    ja_jingle_manager_session_ended (self->manager, self);
}

void
ja_jingle_session_end (JaJingleSession *self, JaJingleReason reason,
    const char *text, gboolean send)
{
  ja_jingle_session_end_full (self, reason, text, send, FALSE);
}

void
ja_jingle_session_terminate (JaJingleSession *self, JaJingleReason reason,
    const char *text)
{
  g_return_if_fail (JA_IS_JINGLE_SESSION (self));
  ja_jingle_session_end_full (self, reason, text, TRUE, FALSE);
}

void
ja_jingle_session_content_finished (JaJingleSession *self)
{
  JaJingleReason reason = JA_JINGLE_REASON_SUCCESS;

  for (guint i = 0; i < self->contents->len; i++) {
    JaJingleContent *c = g_ptr_array_index (self->contents, i);

    if (!c->finished)
      return;
    if (c->finish_reason != JA_JINGLE_REASON_SUCCESS)
      reason = c->finish_reason;
  }
  ja_jingle_session_terminate (self, reason, NULL);
}


/* ---- local actions ------------------------------------------------------ */

static gboolean
out_of_order (JaJingleSession *self, const char *what, GError **error)
{
  g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_OUT_OF_ORDER,
      "session %s: cannot %s in state %s as %s", self->sid, what,
      state_names[self->state], ja_jingle_role_to_string (self->role));
  return FALSE;
}

static gboolean
is_live (JaJingleSession *self)
{
  return self->state == JA_JINGLE_STATE_PENDING
      || self->state == JA_JINGLE_STATE_ACTIVE;
}

/* The payloads queued by ja_jingle_session_update_payload go out with this
 * content-add / content-accept. */
static void
attach_next_payloads (JaJingleSession *self, JaJingleMessage *msg)
{
  while (self->next_payloads->len > 0)
    g_ptr_array_add (msg->payloads,
        g_ptr_array_steal_index (self->next_payloads, 0));
}

JaJingleContent *
ja_jingle_session_add_content (JaJingleSession *self, const char *name,
    const char *app_ns, const char *transport_ns,
    const JaJingleAppOptions *opts, GError **error)
{
  JaJingleContent *c;
  JaJingleMessage *msg;

  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), NULL);
  g_return_val_if_fail (name != NULL && app_ns != NULL, NULL);
  g_return_val_if_fail (opts == NULL
      || (guint) opts->senders <= JA_JINGLE_SENDERS_NONE, NULL);
  if (self->state == JA_JINGLE_STATE_ENDED) {
    out_of_order (self, "add a content", error);
    return NULL;
  }
  if (ja_jingle_session_find_content (self, self->role, name) != NULL
      || self->contents->len >= JA_JINGLE_MAX_CONTENTS) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_CONFLICT,
        "session %s: content '%s' exists or too many contents", self->sid,
        name);
    return NULL;
  }
  c = ja_jingle_content_new (self, self->role, name);
  if (!ja_jingle_content_init_local (c, app_ns, transport_ns, opts, error)) {
    ja_jingle_content_free (c);
    return NULL;
  }
  g_ptr_array_add (self->contents, c);
  if (is_live (self)) {
    c->added = TRUE;
    msg = ja_jingle_message_new (JA_JINGLE_ACTION_CONTENT_ADD, self->sid);
    ja_jingle_content_to_message (c, msg, TRUE, TRUE);
    attach_next_payloads (self, msg);
    ja_jingle_session_send (self, msg);
  }
  return c;
}

gboolean
ja_jingle_session_initiate (JaJingleSession *self, GError **error)
{
  JaJingleMessage *msg;

  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (self->state != JA_JINGLE_STATE_NEW || self->contents->len == 0)
    return out_of_order (self, "initiate (no content?)", error);
  msg = ja_jingle_message_new (JA_JINGLE_ACTION_SESSION_INITIATE, self->sid);
  if (self->manager != NULL)
    msg->initiator = g_strdup (ja_jingle_signalling_get_own_jid (
            ja_jingle_manager_get_signalling (self->manager)));
  for (guint i = 0; i < self->contents->len; i++)
    ja_jingle_content_to_message (g_ptr_array_index (self->contents, i), msg,
        TRUE, TRUE);
  for (guint i = 0; i < self->own_payloads->len; i++)
    g_ptr_array_add (msg->payloads,
        ja_xml_node_copy (g_ptr_array_index (self->own_payloads, i)));
  ja_jingle_session_send (self, msg);
  ja_jingle_session_set_state (self, JA_JINGLE_STATE_PENDING);
  return TRUE;
}

gboolean
ja_jingle_session_accept (JaJingleSession *self, GError **error)
{
  JaJingleMessage *msg;

  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (self->state != JA_JINGLE_STATE_PENDING
      || self->role != JA_JINGLE_ROLE_RESPONDER)
    return out_of_order (self, "accept", error);
  msg = ja_jingle_message_new (JA_JINGLE_ACTION_SESSION_ACCEPT, self->sid);
  if (self->manager != NULL)
    msg->responder = g_strdup (ja_jingle_signalling_get_own_jid (
            ja_jingle_manager_get_signalling (self->manager)));
  for (guint i = 0; i < self->contents->len; i++)
    ja_jingle_content_to_message (g_ptr_array_index (self->contents, i), msg,
        TRUE, TRUE);
  for (guint i = 0; i < self->own_payloads->len; i++)
    g_ptr_array_add (msg->payloads,
        ja_xml_node_copy (g_ptr_array_index (self->own_payloads, i)));
  ja_jingle_session_send (self, msg);
  ja_jingle_session_set_state (self, JA_JINGLE_STATE_ACTIVE);
  for (guint i = 0; i < self->contents->len; i++) {
    JaJingleContent *c = g_ptr_array_index (self->contents, i);

    c->accepted = TRUE;
    ja_jingle_content_connect (c);
  }
  return TRUE;
}

gboolean
ja_jingle_session_send_info (JaJingleSession *self, JaXmlNode *payload,
    GError **error)
{
  g_autoptr (JaXmlNode) owned = payload;
  JaJingleMessage *msg;

  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (!is_live (self))
    return out_of_order (self, "send session-info", error);
  msg = ja_jingle_message_new (JA_JINGLE_ACTION_SESSION_INFO, self->sid);
  if (owned != NULL)
    ja_jingle_message_add_payload (msg, g_steal_pointer (&owned));
  ja_jingle_session_send (self, msg);
  return TRUE;
}

static gboolean
check_content (JaJingleSession *self, JaJingleContent *c, gboolean peer_added,
    const char *what, GError **error)
{
  guint idx;

  if (!is_live (self) || !g_ptr_array_find (self->contents, c, &idx)
      || (peer_added && (c->accepted || !c->added
              || c->creator == self->role)))
    return out_of_order (self, what, error);
  return TRUE;
}

static void
send_content_action (JaJingleSession *self, JaJingleContent *c,
    JaJingleAction action, gboolean with_plugins, const JaJingleReason *reason,
    gboolean with_payloads)
{
  JaJingleMessage *msg = ja_jingle_message_new (action, self->sid);

  ja_jingle_content_to_message (c, msg, with_plugins, with_plugins);
  if (with_payloads)
    attach_next_payloads (self, msg);
  if (reason != NULL)
    ja_jingle_message_set_reason (msg, *reason, NULL);
  ja_jingle_session_send (self, msg);
}

gboolean
ja_jingle_session_accept_content (JaJingleSession *self,
    JaJingleContent *content, GError **error)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (!check_content (self, content, TRUE, "accept the content", error))
    return FALSE;
  send_content_action (self, content, JA_JINGLE_ACTION_CONTENT_ACCEPT, TRUE,
      NULL, TRUE);
  content->accepted = TRUE;
  ja_jingle_content_connect (content);
  return TRUE;
}

gboolean
ja_jingle_session_reject_content (JaJingleSession *self,
    JaJingleContent *content, JaJingleReason reason, GError **error)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (!check_content (self, content, TRUE, "reject the content", error))
    return FALSE;
  send_content_action (self, content, JA_JINGLE_ACTION_CONTENT_REJECT, FALSE,
      &reason, FALSE);
  ja_jingle_session_drop_content (self, content, reason, FALSE);
  return TRUE;
}

gboolean
ja_jingle_session_remove_content (JaJingleSession *self,
    JaJingleContent *content, JaJingleReason reason, GError **error)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (!check_content (self, content, FALSE, "remove the content", error))
    return FALSE;
  send_content_action (self, content, JA_JINGLE_ACTION_CONTENT_REMOVE, FALSE,
      &reason, FALSE);
  ja_jingle_session_drop_content (self, content, reason, FALSE);
  return TRUE;
}

gboolean
ja_jingle_session_modify_content (JaJingleSession *self,
    JaJingleContent *content, JaJingleSenders senders, GError **error)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), FALSE);
  if (!check_content (self, content, FALSE, "modify the content", error))
    return FALSE;
  content->senders = senders;
  send_content_action (self, content, JA_JINGLE_ACTION_CONTENT_MODIFY, FALSE,
      NULL, FALSE);
  return TRUE;
}

/* ---- getters ------------------------------------------------------------ */

const char *
ja_jingle_session_get_sid (JaJingleSession *self)
{
  return self->sid;
}

const char *
ja_jingle_session_get_peer (JaJingleSession *self)
{
  return self->peer;
}

JaJingleRole
ja_jingle_session_get_role (JaJingleSession *self)
{
  return self->role;
}

JaJingleState
ja_jingle_session_get_state (JaJingleSession *self)
{
  return self->state;
}

JaJingleReason
ja_jingle_session_get_end_reason (JaJingleSession *self)
{
  return self->end_reason;
}

guint
ja_jingle_session_get_n_contents (JaJingleSession *self)
{
  return self->contents->len;
}

JaJingleContent *
ja_jingle_session_get_content (JaJingleSession *self, guint i)
{
  g_return_val_if_fail (i < self->contents->len, NULL);
  return g_ptr_array_index (self->contents, i);
}

JaJingleContent *
ja_jingle_session_find_content (JaJingleSession *self, JaJingleRole creator,
    const char *name)
{
  for (guint i = 0; i < self->contents->len; i++) {
    JaJingleContent *c = g_ptr_array_index (self->contents, i);

    if (c->creator == creator && g_strcmp0 (c->name, name) == 0)
      return c;
  }
  return NULL;
}

JaJingleRegistry *
ja_jingle_session_get_registry (JaJingleSession *self)
{
  return self->registry;
}

JaJingleSignalling *
ja_jingle_session_get_signalling (JaJingleSession *self)
{
  return self->manager ? ja_jingle_manager_get_signalling (self->manager)
      : NULL;
}

static int
compare_str (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

char *
ja_jingle_session_dup_app_key (JaJingleSession *self)
{
  g_autoptr (GPtrArray) nss = g_ptr_array_new ();

  for (guint i = 0; i < self->contents->len; i++) {
    JaJingleContent *c = g_ptr_array_index (self->contents, i);

    if (c->app_kind != NULL)
      g_ptr_array_add (nss, (gpointer) c->app_kind->ns);
  }
  g_ptr_array_sort (nss, compare_str);
  g_ptr_array_add (nss, NULL);
  return g_strjoinv (" ", (char **) nss->pdata);
}

gboolean
ja_jingle_session_init_remote (JaJingleSession *self,
    const JaJingleMessage *msg, GError **error)
{
  /* The session-level extras first: a plugin may look at them while its
   * content is made (an XEP-0338 group decides how transports are shared). */
  ja_jingle_session_take_peer_payloads (self, msg);
  for (guint i = 0; i < msg->contents->len; i++) {
    const JaJingleMessageContent *mc = g_ptr_array_index (msg->contents, i);
    JaJingleContent *c = ja_jingle_content_new (self, mc->creator, mc->name);

    g_ptr_array_add (self->contents, c);
    if (!ja_jingle_content_init_remote (c, mc, error))
      return FALSE;
  }
  ja_jingle_session_set_state (self, JA_JINGLE_STATE_PENDING);
  return TRUE;
}

void
ja_jingle_session_detach (JaJingleSession *self)
{
  self->manager = NULL;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/* ---- GObject ------------------------------------------------------------ */

JaJingleSession *
ja_jingle_session_new_internal (JaJingleManager *manager,
    JaJingleRegistry *registry, const char *peer, const char *sid,
    JaJingleRole role, guint accept_timeout_ms)
{
  JaJingleSession *self = g_object_new (JA_TYPE_JINGLE_SESSION, NULL);

  self->manager = manager;
  self->registry = ja_jingle_registry_ref (registry);
  self->peer = g_strdup (peer);
  self->sid = g_strdup (sid);
  self->role = role;
  self->accept_timeout_ms = accept_timeout_ms;
  g_info ("session %s: created with %s as %s", sid, peer,
      ja_jingle_role_to_string (role));
  return self;
}

static void
ja_jingle_session_init (JaJingleSession *self)
{
  self->contents = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_jingle_content_free);
  self->pending = g_ptr_array_new ();
  self->peer_payloads = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  self->own_payloads = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  self->next_payloads = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  self->end_reason = JA_JINGLE_REASON_SUCCESS;
}

static void
ja_jingle_session_dispose (GObject *object)
{
  JaJingleSession *self = JA_JINGLE_SESSION (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  /* Contents free their plugin state; they never call back from free. */
  if (self->contents != NULL)
    g_ptr_array_set_size (self->contents, 0);
  G_OBJECT_CLASS (ja_jingle_session_parent_class)->dispose (object);
}

static void
ja_jingle_session_finalize (GObject *object)
{
  JaJingleSession *self = JA_JINGLE_SESSION (object);

  g_ptr_array_unref (self->contents);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->peer_payloads);
  g_ptr_array_unref (self->own_payloads);
  g_ptr_array_unref (self->next_payloads);
  g_clear_pointer (&self->registry, ja_jingle_registry_unref);
  g_free (self->sid);
  g_free (self->peer);
  G_OBJECT_CLASS (ja_jingle_session_parent_class)->finalize (object);
}

static void
ja_jingle_session_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  JaJingleSession *self = JA_JINGLE_SESSION (object);

  switch (prop_id) {
  case PROP_STATE:
    g_value_set_uint (value, self->state);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
ja_jingle_session_class_init (JaJingleSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ja_jingle_session_dispose;
  object_class->finalize = ja_jingle_session_finalize;
  object_class->get_property = ja_jingle_session_get_property;

  props[PROP_STATE] = g_param_spec_uint ("state", NULL, NULL, 0,
      JA_JINGLE_N_STATES - 1, JA_JINGLE_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[TERMINATED] = g_signal_new ("terminated",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[JA_JINGLE_SESSION_SIGNAL_CONTENT_ADDED] = g_signal_new (
      "content-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[CONTENT_REMOVED] = g_signal_new ("content-removed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[JA_JINGLE_SESSION_SIGNAL_CONTENT_MODIFIED] = g_signal_new (
      "content-modified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

typedef struct {
  JaJingleSession *session;
  JaJingleReason reason;
  char *text;
} TerminateLater;

static gboolean
terminate_later_cb (gpointer data)
{
  TerminateLater *t = data;

  ja_jingle_session_terminate (t->session, t->reason, t->text);
  g_object_unref (t->session);
  g_free (t->text);
  g_free (t);
  return G_SOURCE_REMOVE;
}

void
ja_jingle_session_terminate_later (JaJingleSession *self,
    JaJingleReason reason, const char *text)
{
  TerminateLater *t = g_new0 (TerminateLater, 1);

  g_return_if_fail (JA_IS_JINGLE_SESSION (self));
  t->session = g_object_ref (self);
  t->reason = reason;
  t->text = g_strdup (text);
  g_idle_add (terminate_later_cb, t);
}

static const JaXmlNode *
find_payload (GPtrArray *payloads, const char *name, const char *ns)
{
  for (guint i = 0; i < payloads->len; i++) {
    const JaXmlNode *n = g_ptr_array_index (payloads, i);

    if (ja_xml_node_is (n, name, ns))
      return n;
  }
  return NULL;
}

const JaXmlNode *
ja_jingle_session_find_initiate_payload (JaJingleSession *self,
    const char *name, const char *ns)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), NULL);
  return find_payload (self->peer_payloads, name, ns);
}

void
ja_jingle_session_add_payload (JaJingleSession *self,
    JaXmlNode *payload)
{
  g_return_if_fail (JA_IS_JINGLE_SESSION (self) && payload != NULL);
  g_ptr_array_add (self->own_payloads, payload);
}

const JaXmlNode *
ja_jingle_session_find_own_payload (JaJingleSession *self, const char *name,
    const char *ns)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), NULL);
  return find_payload (self->own_payloads, name, ns);
}

/* Replaces the payload named like node in payloads (or appends it). */
static void
replace_payload (GPtrArray *payloads, JaXmlNode *node)
{
  for (guint i = 0; i < payloads->len; i++) {
    JaXmlNode *n = g_ptr_array_index (payloads, i);

    if (ja_xml_node_is (n, node->name, node->ns)) {
      ja_xml_node_free (n);
      g_ptr_array_index (payloads, i) = node;
      return;
    }
  }
  g_ptr_array_add (payloads, node);
}

void
ja_jingle_session_take_peer_payloads (JaJingleSession *self,
    const JaJingleMessage *msg)
{
  for (guint i = 0; i < msg->payloads->len; i++)
    replace_payload (self->peer_payloads,
        ja_xml_node_copy (g_ptr_array_index (msg->payloads, i)));
}

const JaXmlNode *
ja_jingle_session_find_peer_payload (JaJingleSession *self, const char *name,
    const char *ns)
{
  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), NULL);
  return find_payload (self->peer_payloads, name, ns);
}

void
ja_jingle_session_update_payload (JaJingleSession *self, JaXmlNode *payload)
{
  g_return_if_fail (JA_IS_JINGLE_SESSION (self) && payload != NULL);
  replace_payload (self->next_payloads, ja_xml_node_copy (payload));
  replace_payload (self->own_payloads, payload);
}

/* ---- XEP-0338 groups ---------------------------------------------------- */

const JaXmlNode *
ja_jingle_session_find_bundle_group (JaJingleSession *self, JaJingleRole side)
{
  const JaXmlNode *g;

  g_return_val_if_fail (JA_IS_JINGLE_SESSION (self), NULL);
  g = find_payload (side == self->role ? self->own_payloads
      : self->peer_payloads, "group", JA_NS_JINGLE_GROUPING);
  if (g == NULL
      || g_strcmp0 (ja_xml_node_get_attr (g, "semantics"), "BUNDLE") != 0)
    return NULL;
  return g;
}

gboolean
ja_jingle_group_has_content (const JaXmlNode *group, const char *name)
{
  for (guint i = 0; group != NULL && name != NULL
      && i < ja_xml_node_get_n_children (group); i++) {
    const JaXmlNode *m = ja_xml_node_get_child (group, i);

    if (ja_xml_node_is (m, "content", JA_NS_JINGLE_GROUPING)
        && g_strcmp0 (ja_xml_node_get_attr (m, "name"), name) == 0)
      return TRUE;
  }
  return FALSE;
}

const JaXmlNode *
ja_jingle_content_get_bundle_group (JaJingleContent *c)
{
  JaJingleSession *session = ja_jingle_content_get_session (c);
  const JaXmlNode *g;

  if (session == NULL)
    return NULL;
  g = ja_jingle_session_find_bundle_group (session,
      ja_jingle_content_get_creator (c));
  return ja_jingle_group_has_content (g, ja_jingle_content_get_name (c)) ? g
      : NULL;
}
