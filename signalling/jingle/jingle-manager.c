/* jingle-manager.c — the Jingle engine's entry (XEP-0166): the <jingle/>
 * IQ handler, the (peer, sid) → session map, unknown-session, session-
 * initiate (with the §7.2.16 tie-break when both sides initiate at once, and
 * unsupported-applications/-transports), and the "ack first, then act" rule:
 * while a request is handled, everything the engine sends is held and goes
 * out after the IQ result or error. Owns the signalling, a registry
 * reference and one reference per live session. */
#include "signalling/jingle/jingle-private.h"

#include <string.h>
#include <gnutls/crypto.h>

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

struct _JaJingleManager {
  GObject parent;
  JaJingleSignalling *signalling;
  JaJingleRegistry *registry;
  GHashTable *sessions;         /* "peer\nsid" → JaJingleSession* (ref) */
  guint handler_id;
  guint accept_timeout_ms;
  guint hold;                   /* > 0 while a request is being handled */
  GQueue held;                  /* Held*: IQs to send after the reply */
};

typedef struct {
  JaXmlNode *iq;
  JaJingleIqCallback callback;
  gpointer user_data;
} Held;

G_DEFINE_TYPE (JaJingleManager, ja_jingle_manager, G_TYPE_OBJECT)

enum { INCOMING_SESSION, SESSION_ENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
session_key (const char *peer, const char *sid)
{
  return g_strconcat (peer, "\n", sid, NULL);
}

/* ---- sending ------------------------------------------------------------ */

void
ja_jingle_manager_send_iq (JaJingleManager *self, JaXmlNode *iq,
    JaJingleIqCallback callback, gpointer user_data)
{
  if (self->hold > 0) {
    Held *h = g_new0 (Held, 1);

    h->iq = iq;
    h->callback = callback;
    h->user_data = user_data;
    g_queue_push_tail (&self->held, h);
    return;
  }
  ja_jingle_signalling_send_iq (self->signalling, iq, callback, user_data);
}

static void
flush_held (JaJingleManager *self)
{
  Held *h;

  while (self->hold == 0 && (h = g_queue_pop_head (&self->held)) != NULL) {
    ja_jingle_signalling_send_iq (self->signalling, h->iq, h->callback,
        h->user_data);
    g_free (h);
  }
}

/* A session-terminate for a session we never created (unsupported
 * applications or transports, §6.7). */
static void
send_terminate (JaJingleManager *self, const char *peer, const char *sid,
    JaJingleReason reason, const char *text)
{
  g_autoptr (JaJingleMessage) msg = ja_jingle_message_new (
      JA_JINGLE_ACTION_SESSION_TERMINATE, sid);
  JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);

  ja_jingle_message_set_reason (msg, reason, text);
  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", peer);
  ja_xml_node_add_child (iq, ja_jingle_message_build (msg));
  ja_jingle_manager_send_iq (self, iq, NULL, NULL);
}

/* ---- session-initiate --------------------------------------------------- */

static int
compare_str (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static char *
message_app_key (const JaJingleMessage *msg)
{
  g_autoptr (GPtrArray) nss = g_ptr_array_new ();

  for (guint i = 0; i < msg->contents->len; i++) {
    const JaJingleMessageContent *mc = g_ptr_array_index (msg->contents, i);

    if (mc->description != NULL)
      g_ptr_array_add (nss, mc->description->ns);
  }
  g_ptr_array_sort (nss, compare_str);
  g_ptr_array_add (nss, NULL);
  return g_strjoinv (" ", (char **) nss->pdata);
}

/* §7.2.16, no existing session: both sides sent session-initiate for
 * functionally equivalent contents (the same application namespaces). The
 * lower sid ("i;octet", i.e. bytewise) wins; equal sids, the lower JID. */
static gboolean
break_initiate_tie (JaJingleManager *self, const char *from,
    const JaJingleMessage *msg, GError **error)
{
  g_autofree char *key = message_app_key (msg);
  g_autoptr (GPtrArray) losers = g_ptr_array_new_with_free_func (
      g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    JaJingleSession *ours = value;
    g_autofree char *our_key = NULL;
    int cmp;

    if (ja_jingle_session_get_role (ours) != JA_JINGLE_ROLE_INITIATOR
        || ja_jingle_session_get_state (ours) != JA_JINGLE_STATE_PENDING
        || g_strcmp0 (ja_jingle_session_get_peer (ours), from) != 0)
      continue;
    our_key = ja_jingle_session_dup_app_key (ours);
    if (!g_str_equal (our_key, key))
      continue;
    cmp = strcmp (msg->sid, ja_jingle_session_get_sid (ours));
    if (cmp == 0) {
      const char *own = ja_jingle_signalling_get_own_jid (self->signalling);

      cmp = strcmp (from, own ? own : "");
    }
    if (cmp > 0) {
      g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_TIE_BREAK,
          "our session %s with %s wins the tie",
          ja_jingle_session_get_sid (ours), from);
      return FALSE;
    }
    g_ptr_array_add (losers, g_object_ref (ours));
  }
  for (guint i = 0; i < losers->len; i++) {
    JaJingleSession *ours = g_ptr_array_index (losers, i);

    g_info ("session %s: lost the tie-break to %s",
        ja_jingle_session_get_sid (ours), msg->sid);
    ja_jingle_session_end (ours, JA_JINGLE_REASON_ALTERNATIVE_SESSION,
        "tie-break", FALSE);
  }
  return TRUE;
}

/* Validation a session-initiate must pass before it is acked: contents
 * (§7.2.10: one with disposition "session" at least) with a description
 * and a transport each; plugin kinds are checked separately. */
static gboolean
check_initiate (const JaJingleMessage *msg, GError **error)
{
  gboolean session_disposition = FALSE;

  for (guint i = 0; i < msg->contents->len; i++) {
    const JaJingleMessageContent *mc = g_ptr_array_index (msg->contents, i);

    if (mc->description == NULL || mc->transport == NULL) {
      g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
          "content '%s' lacks a description or a transport", mc->name);
      return FALSE;
    }
    session_disposition |= mc->disposition == NULL
        || g_str_equal (mc->disposition, "session");
  }
  if (!session_disposition) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "session-initiate without a content of disposition 'session'");
    return FALSE;
  }
  return TRUE;
}

/* The first unsupported kind, applications before transports: FALSE with
 * JA_JINGLE_ERROR_UNSUPPORTED_*. */
static gboolean
check_kinds (JaJingleManager *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GError) first = NULL;

  for (guint i = 0; i < msg->contents->len; i++) {
    g_autoptr (GError) local = NULL;

    if (ja_jingle_content_check_remote (self->registry,
            g_ptr_array_index (msg->contents, i), &local))
      continue;
    if (local->domain != JA_JINGLE_ERROR) {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
    if (first == NULL
        || local->code == JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS) {
      g_clear_error (&first);
      first = g_steal_pointer (&local);
    }
  }
  if (first != NULL) {
    g_propagate_error (error, g_steal_pointer (&first));
    return FALSE;
  }
  return TRUE;
}

static gboolean
handle_initiate (JaJingleManager *self, const char *from,
    const JaJingleMessage *msg, GError **error)
{
  g_autofree char *key = session_key (from, msg->sid);
  g_autoptr (JaJingleSession) session = NULL;
  g_autoptr (GError) unsupported = NULL;
  JaJingleSession *existing = g_hash_table_lookup (self->sessions, key);

  if (existing != NULL && (ja_jingle_session_get_role (existing)
          != JA_JINGLE_ROLE_INITIATOR
          || ja_jingle_session_get_state (existing)
          != JA_JINGLE_STATE_PENDING))
    return ja_jingle_session_receive (existing, msg, error);  /* out-of-order */
  if (msg->contents->len == 0) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "session-initiate without a content");
    return FALSE;
  }
  if (!check_initiate (msg, error))
    return FALSE;
  if (g_hash_table_size (self->sessions) >= JA_JINGLE_MAX_SESSIONS) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_RESOURCE_CONSTRAINT,
        "%d sessions already", JA_JINGLE_MAX_SESSIONS);
    return FALSE;
  }
  if (!break_initiate_tie (self, from, msg, error))
    return FALSE;
  if (!check_kinds (self, msg, &unsupported)) {
    /* §6.3.1: acknowledge, then terminate with the reason. */
    g_info ("session %s: from %s: %s", msg->sid, from, unsupported->message);
    send_terminate (self, from, msg->sid,
        ja_jingle_error_to_reason (unsupported), NULL);
    return TRUE;
  }
  session = ja_jingle_session_new_internal (self, self->registry, from,
      msg->sid, JA_JINGLE_ROLE_RESPONDER, self->accept_timeout_ms);
  if (!ja_jingle_session_init_remote (session, msg, error)) {
    ja_jingle_session_detach (session);
    return FALSE;
  }
  g_hash_table_replace (self->sessions, g_steal_pointer (&key),
      g_object_ref (session));
  g_signal_emit (self, signals[INCOMING_SESSION], 0, session);
  return TRUE;
}

/* ---- the IQ handler ----------------------------------------------------- */

static gboolean
dispatch (JaJingleManager *self, const JaXmlNode *iq, GError **error)
{
  const JaXmlNode *jingle = ja_xml_node_find (iq, "jingle", JA_NS_JINGLE);
  g_autoptr (JaJingleMessage) msg = NULL;
  g_autoptr (JaJid) jid = NULL;
  g_autofree char *from = NULL;
  g_autofree char *key = NULL;
  JaJingleSession *session;

  if (g_strcmp0 (ja_xml_node_get_attr (iq, "type"), "set") != 0) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "Jingle requests are IQ sets");
    return FALSE;
  }
  /* ja_jid_parse() treats NULL as a programmer error: check first. */
  if (ja_xml_node_get_attr (iq, "from") != NULL)
    jid = ja_jid_parse (ja_xml_node_get_attr (iq, "from"), NULL);
  if (jid == NULL) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "Jingle request without a valid 'from'");
    return FALSE;
  }
  from = ja_jid_to_string (jid);
  msg = ja_jingle_message_parse (jingle, error);
  if (msg == NULL)
    return FALSE;
  if (msg->action == JA_JINGLE_ACTION_SESSION_INITIATE)
    return handle_initiate (self, from, msg, error);
  key = session_key (from, msg->sid);
  session = g_hash_table_lookup (self->sessions, key);
  if (session == NULL) {
    g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNKNOWN_SESSION,
        "no session %s with %s", msg->sid, from);
    return FALSE;
  }
  return ja_jingle_session_receive (session, msg, error);
}

static gboolean
jingle_iq_cb (const JaXmlNode *iq, JaXmlNode **result, gboolean *deferred,
    gpointer user_data, GError **error)
{
  JaJingleManager *self = user_data;
  g_autoptr (JaJingleManager) keep = g_object_ref (self);
  (void) keep;   /* held while handlers run */
  g_autoptr (GError) local = NULL;

  /* We reply ourselves so that the reply precedes what the request
   * caused (§6.3.1: acknowledge, then act). */
  *deferred = TRUE;
  self->hold++;
  if (dispatch (self, iq, &local)) {
    ja_jingle_signalling_reply (self->signalling, iq, NULL);
  } else {
    g_debug ("jingle: refusing request %s from %s: %s",
        ja_xml_node_get_attr (iq, "id"), ja_xml_node_get_attr (iq, "from"),
        local->message);
    ja_jingle_signalling_reply_error (self->signalling, iq, local);
  }
  self->hold--;
  flush_held (self);
  return TRUE;
}

/* ---- sessions ----------------------------------------------------------- */

void
ja_jingle_manager_session_ended (JaJingleManager *self,
    JaJingleSession *session)
{
  g_autofree char *key = session_key (ja_jingle_session_get_peer (session),
      ja_jingle_session_get_sid (session));
  g_autoptr (JaJingleSession) keep = g_object_ref (session);
  (void) keep;   /* the session may lose its last reference below */

  if (g_hash_table_lookup (self->sessions, key) == session)
    g_hash_table_remove (self->sessions, key);
  g_signal_emit (self, signals[SESSION_ENDED], 0, session);
}

JaJingleSession *
ja_jingle_manager_new_session (JaJingleManager *self, const char *peer_jid,
    GError **error)
{
  return ja_jingle_manager_new_session_with_sid (self, peer_jid, NULL, error);
}

JaJingleSession *
ja_jingle_manager_new_session_with_sid (JaJingleManager *self,
    const char *peer_jid, const char *sid_in, GError **error)
{
  g_autoptr (JaJid) jid = NULL;
  g_autofree char *peer = NULL;
  guint8 raw[12];
  char sid[2 * sizeof raw + 1];
  JaJingleSession *session;

  g_return_val_if_fail (JA_IS_JINGLE_MANAGER (self), NULL);
  jid = ja_jid_parse (peer_jid, error);
  if (jid == NULL)
    return NULL;
  peer = ja_jid_to_string (jid);
  if (sid_in != NULL) {
    if (*sid_in == '\0' || strlen (sid_in) > 128) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "a sid must have 1 to 128 characters");
      return NULL;
    }
    g_autofree char *key = session_key (peer, sid_in);

    if (g_hash_table_contains (self->sessions, key)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
          "a session %s with %s exists already", sid_in, peer);
      return NULL;
    }
  }
  /* §7.1: the sid must be random (RFC 4086). */
  else if (gnutls_rnd (GNUTLS_RND_NONCE, raw, sizeof raw) != 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "no random bytes for a sid");
    return NULL;
  } else {
    for (gsize i = 0; i < sizeof raw; i++)
      g_snprintf (sid + 2 * i, 3, "%02x", raw[i]);
  }
  session = ja_jingle_session_new_internal (self, self->registry, peer,
      sid_in != NULL ? sid_in : sid, JA_JINGLE_ROLE_INITIATOR,
      self->accept_timeout_ms);
  g_hash_table_replace (self->sessions, session_key (peer,
          sid_in != NULL ? sid_in : sid), g_object_ref (session));
  return session;
}

JaJingleSession *
ja_jingle_manager_lookup (JaJingleManager *self, const char *peer_jid,
    const char *sid)
{
  g_autofree char *key = session_key (peer_jid, sid);

  return g_hash_table_lookup (self->sessions, key);
}

guint
ja_jingle_manager_get_n_sessions (JaJingleManager *self)
{
  return g_hash_table_size (self->sessions);
}

JaJingleRegistry *
ja_jingle_manager_get_registry (JaJingleManager *self)
{
  return self->registry;
}

JaJingleSignalling *
ja_jingle_manager_get_signalling (JaJingleManager *self)
{
  return self->signalling;
}

void
ja_jingle_manager_set_accept_timeout (JaJingleManager *self, guint ms)
{
  self->accept_timeout_ms = ms;
}

/* ---- GObject ------------------------------------------------------------ */

JaJingleManager *
ja_jingle_manager_new (JaJingleSignalling *signalling,
    JaJingleRegistry *registry)
{
  JaJingleManager *self;
  g_auto (GStrv) features = NULL;

  g_return_val_if_fail (signalling != NULL && registry != NULL, NULL);
  ja_jingle_error_register ();
  self = g_object_new (JA_TYPE_JINGLE_MANAGER, NULL);
  self->signalling = signalling;
  self->registry = ja_jingle_registry_ref (registry);
  self->handler_id = ja_jingle_signalling_add_iq_handler (signalling,
      "jingle", JA_NS_JINGLE, jingle_iq_cb, self);
  features = ja_jingle_registry_dup_features (registry);
  for (guint i = 0; features[i] != NULL; i++)
    ja_jingle_signalling_add_feature (signalling, features[i]);
  return self;
}

static void
ja_jingle_manager_init (JaJingleManager *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
  self->accept_timeout_ms = JA_JINGLE_DEFAULT_ACCEPT_TIMEOUT_MS;
  g_queue_init (&self->held);
}

static void
ja_jingle_manager_dispose (GObject *object)
{
  JaJingleManager *self = JA_JINGLE_MANAGER (object);
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR,
      G_IO_ERROR_CANCELLED, "the Jingle manager went away");
  GHashTableIter iter;
  gpointer value;
  Held *h;

  if (self->sessions != NULL) {
    g_hash_table_iter_init (&iter, self->sessions);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      ja_jingle_session_detach (value);
    g_clear_pointer (&self->sessions, g_hash_table_unref);
  }
  while ((h = g_queue_pop_head (&self->held)) != NULL) {
    if (h->callback != NULL)
      h->callback (NULL, cancelled, h->user_data);
    ja_xml_node_free (h->iq);
    g_free (h);
  }
  if (self->signalling != NULL) {
    if (self->handler_id != 0)
      ja_jingle_signalling_remove_handler (self->signalling, self->handler_id);
    g_clear_pointer (&self->signalling, ja_jingle_signalling_free);
  }
  g_clear_pointer (&self->registry, ja_jingle_registry_unref);
  G_OBJECT_CLASS (ja_jingle_manager_parent_class)->dispose (object);
}

static void
ja_jingle_manager_class_init (JaJingleManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ja_jingle_manager_dispose;
  signals[INCOMING_SESSION] = g_signal_new ("incoming-session",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, JA_TYPE_JINGLE_SESSION);
  signals[SESSION_ENDED] = g_signal_new ("session-ended",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, JA_TYPE_JINGLE_SESSION);
}
