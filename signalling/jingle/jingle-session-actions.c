/* jingle-session-actions.c — what a peer may send into a session (XEP-0166
 * §5.1, §7.2): ONE table of allowed actions per state, a separate role
 * check, the tie-break inside a session (§7.2.16), then ONE handler array
 * (wocky). A handler validates everything before it changes anything, so a
 * FALSE return (the IQ error) leaves the session as it was; what it sends
 * goes out after the ack (the manager holds outgoing IQs meanwhile). */
#include "signalling/jingle/jingle-private.h"

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/xmpp-error.h"

#define ACT_BIT(x) (G_GUINT64_CONSTANT (1) << (x))
#define ACT(a) ACT_BIT (JA_JINGLE_ACTION_##a)

/* §5.1: in PENDING every action but session-initiate may come (transport-
 * info before session-accept included); session-accept moves to ACTIVE,
 * where it may not come again. Nothing is allowed in NEW (the peer does not
 * know the sid yet) or ENDED (answered with unknown-session, §6.7). The
 * table is documented in docs/internals/jingle-engine.md. */
#define ACTS_NEGOTIATE (ACT (CONTENT_ACCEPT) | ACT (CONTENT_ADD) \
    | ACT (CONTENT_MODIFY) | ACT (CONTENT_REJECT) | ACT (CONTENT_REMOVE) \
    | ACT (DESCRIPTION_INFO) | ACT (SECURITY_INFO) | ACT (SESSION_INFO) \
    | ACT (SESSION_TERMINATE) | ACT (TRANSPORT_ACCEPT) | ACT (TRANSPORT_INFO) \
    | ACT (TRANSPORT_REJECT) | ACT (TRANSPORT_REPLACE))

static const guint64 allowed_from_peer[JA_JINGLE_N_STATES] = {
  [JA_JINGLE_STATE_NEW] = 0,
  [JA_JINGLE_STATE_PENDING] = ACTS_NEGOTIATE | ACT (SESSION_ACCEPT),
  [JA_JINGLE_STATE_ACTIVE] = ACTS_NEGOTIATE,
  [JA_JINGLE_STATE_ENDED] = 0,
};

/* The role check, a step of its own: only the responder sends
 * session-accept, only the initiator session-initiate. */
static gboolean
role_may_send (JaJingleRole sender, JaJingleAction action)
{
  switch (action) {
  case JA_JINGLE_ACTION_SESSION_INITIATE:
    return sender == JA_JINGLE_ROLE_INITIATOR;
  case JA_JINGLE_ACTION_SESSION_ACCEPT:
    return sender == JA_JINGLE_ROLE_RESPONDER;
  default:
    return TRUE;
  }
}

#define signals ja_jingle_session_signals

static gboolean
fail (GError **error, GQuark domain, int code, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, GQuark domain, int code, const char *fmt, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, fmt);
  message = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error_literal (error, domain, code, message);
  return FALSE;
}

#define BAD_REQUEST(...) \
  fail (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST, __VA_ARGS__)
#define OUT_OF_ORDER(...) \
  fail (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_OUT_OF_ORDER, __VA_ARGS__)

/* The session's contents named by msg, in msg's order; every one must
 * exist, and there must be one at least. (transfer container) */
static GPtrArray *
find_contents (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new ();

  if (msg->contents->len == 0) {
    BAD_REQUEST ("%s without a content",
        ja_jingle_action_to_string (msg->action));
    return NULL;
  }
  for (guint i = 0; i < msg->contents->len; i++) {
    const JaJingleMessageContent *mc = g_ptr_array_index (msg->contents, i);
    JaJingleContent *c = ja_jingle_session_find_content (self, mc->creator,
        mc->name);

    if (c == NULL || c->app == NULL) {
      BAD_REQUEST ("no content '%s' created by the %s", mc->name,
          ja_jingle_role_to_string (mc->creator));
      return NULL;
    }
    g_ptr_array_add (out, c);
  }
  return g_steal_pointer (&out);
}

#define MC(i) ((const JaJingleMessageContent *) \
    g_ptr_array_index (msg->contents, (i)))
#define CT(i) ((JaJingleContent *) g_ptr_array_index (cs, (i)))

static gboolean
ns_is (const JaXmlNode *node, const char *ns)
{
  return node == NULL || g_strcmp0 (node->ns, ns) == 0;
}

/* ---- session-level actions ---------------------------------------------- */

static gboolean
handle_session_initiate (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  /* Unreachable through the table; kept so every action has a handler. */
  return OUT_OF_ORDER ("session-initiate inside session %s",
      ja_jingle_session_get_sid (self));
}

static gboolean
handle_session_accept (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);
  g_autoptr (GError) local = NULL;

  if (cs == NULL)
    return FALSE;
  for (guint i = 0; i < cs->len; i++) {
    if (!ns_is (MC (i)->description, CT (i)->app_kind->ns)
        || !ns_is (MC (i)->transport, CT (i)->transport->kind->ns))
      return BAD_REQUEST ("session-accept changes the kinds of '%s'",
          MC (i)->name);
  }
  /* Its session-level extras (an XEP-0338 group echoed) first. */
  ja_jingle_session_take_peer_payloads (self, msg);
  ja_jingle_session_set_state (self, JA_JINGLE_STATE_ACTIVE);
  for (guint i = 0; i < cs->len; i++) {
    if (!ja_jingle_app_accept_remote (CT (i)->app, MC (i)->description,
            &local)) {
      ja_jingle_session_end (self, JA_JINGLE_REASON_INCOMPATIBLE_PARAMETERS,
          local->message, TRUE);
      return TRUE;
    }
    if (!ja_jingle_transport_accept_remote (CT (i)->transport,
            MC (i)->transport, &local)) {
      ja_jingle_session_end (self, JA_JINGLE_REASON_FAILED_TRANSPORT,
          local->message, TRUE);
      return TRUE;
    }
    CT (i)->accepted = TRUE;
  }
  for (guint i = 0; i < cs->len; i++)
    ja_jingle_content_connect (CT (i));
  return TRUE;
}

static gboolean
handle_session_terminate (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  /* A terminate without <reason/> is taken as a plain hang-up. */
  ja_jingle_session_end_full (self,
      msg->reason ? msg->reason->condition : JA_JINGLE_REASON_SUCCESS,
      msg->reason ? msg->reason->text : NULL, FALSE, TRUE);
  return TRUE;
}

/* §6.8: an empty session-info is a ping; a payload nobody understands is
 * feature-not-implemented + unsupported-info. */
static gboolean
handle_session_info (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  for (guint p = 0; p < msg->payloads->len; p++) {
    const JaXmlNode *payload = g_ptr_array_index (msg->payloads, p);
    gboolean handled = FALSE;

    for (guint i = 0; !handled && i < self->contents->len; i++) {
      JaJingleContent *c = g_ptr_array_index (self->contents, i);
      g_autoptr (GError) local = NULL;

      if (c->app == NULL)
        continue;
      handled = ja_jingle_app_handle_session_info (c->app, payload, &local);
      if (!handled && !g_error_matches (local, JA_JINGLE_ERROR,
              JA_JINGLE_ERROR_UNSUPPORTED_INFO)) {
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
    }
    if (!handled)
      return fail (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_INFO,
          "session-info payload <%s xmlns='%s'/> not understood",
          payload->name, payload->ns);
  }
  return TRUE;
}

/* ---- contents ----------------------------------------------------------- */

static void
send_content_reject (JaJingleSession *self, const JaJingleMessageContent *mc,
    JaJingleReason reason)
{
  JaJingleMessage *out = ja_jingle_message_new (
      JA_JINGLE_ACTION_CONTENT_REJECT, ja_jingle_session_get_sid (self));

  ja_jingle_message_add_content (out, mc->creator, mc->name);
  ja_jingle_message_set_reason (out, reason, NULL);
  ja_jingle_session_send (self, out);
}

static gboolean
handle_content_add (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_jingle_content_free);
  g_autoptr (GArray) rejected = g_array_new (FALSE, FALSE, sizeof (guint));
  JaJingleRole peer = ja_jingle_session_peer_role (self);

  if (msg->contents->len == 0)
    return BAD_REQUEST ("content-add without a content");
  if (ja_jingle_session_get_n_contents (self) + msg->contents->len
      > JA_JINGLE_MAX_CONTENTS)
    return fail (error, JA_XMPP_ERROR, JA_XMPP_ERROR_RESOURCE_CONSTRAINT,
        "more than %d contents", JA_JINGLE_MAX_CONTENTS);
  /* A session-level extra it sends along (the XEP-0338 group with the
   * added content in it) replaces its earlier one, before the contents are
   * made: their transports look it up. */
  ja_jingle_session_take_peer_payloads (self, msg);
  for (guint i = 0; i < msg->contents->len; i++) {
    g_autoptr (GError) local = NULL;
    JaJingleContent *c;

    if (MC (i)->creator != peer
        || ja_jingle_session_find_content (self, MC (i)->creator,
            MC (i)->name) != NULL)
      return BAD_REQUEST ("content-add of '%s': wrong creator or exists",
          MC (i)->name);
    if (!ja_jingle_content_check_remote (ja_jingle_session_get_registry (
                self), MC (i), &local)) {
      if (local->domain != JA_JINGLE_ERROR) {
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
      g_array_append_val (rejected, i);
      continue;
    }
    c = ja_jingle_content_new (self, MC (i)->creator, MC (i)->name);
    c->added = TRUE;
    g_ptr_array_add (added, c);
    if (!ja_jingle_content_init_remote (c, MC (i), error))
      return FALSE;
  }
  /* §7.2.2: one we cannot take is answered with content-reject. */
  for (guint r = 0; r < rejected->len; r++) {
    const JaJingleMessageContent *mc = MC (g_array_index (rejected, guint, r));
    g_autoptr (GError) why = NULL;

    ja_jingle_content_check_remote (ja_jingle_session_get_registry (self), mc,
        &why);
    send_content_reject (self, mc, ja_jingle_error_to_reason (why));
  }
  while (added->len > 0) {
    JaJingleContent *c = g_ptr_array_steal_index (added, 0);

    g_ptr_array_add (self->contents, c);
    g_signal_emit (self, signals[JA_JINGLE_SESSION_SIGNAL_CONTENT_ADDED], 0,
        c);
  }
  return TRUE;
}

/* content-accept / content-reject answer a content-add of ours. */
static GPtrArray *
find_our_pending (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  if (cs == NULL)
    return NULL;
  for (guint i = 0; i < cs->len; i++) {
    if (CT (i)->creator != ja_jingle_session_get_role (self)
        || !CT (i)->added || CT (i)->accepted) {
      OUT_OF_ORDER ("no content-add of '%s' is pending", CT (i)->name);
      return NULL;
    }
  }
  return g_steal_pointer (&cs);
}

static gboolean
handle_content_accept (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_our_pending (self, msg, error);

  if (cs == NULL)
    return FALSE;
  ja_jingle_session_take_peer_payloads (self, msg);
  for (guint i = 0; i < cs->len; i++) {
    g_autoptr (GError) local = NULL;

    if (!ja_jingle_app_accept_remote (CT (i)->app, MC (i)->description,
            &local)
        || !ja_jingle_transport_accept_remote (CT (i)->transport,
            MC (i)->transport, &local)) {
      ja_jingle_session_end (self, JA_JINGLE_REASON_INCOMPATIBLE_PARAMETERS,
          local ? local->message : NULL, TRUE);
      return TRUE;
    }
    CT (i)->accepted = TRUE;
    ja_jingle_content_connect (CT (i));
  }
  return TRUE;
}

/* After content-reject or content-remove: §7.2.4/§7.2.5, a session left
 * without contents is void and the receiver SHOULD terminate it. */
static gboolean
drop_contents (JaJingleSession *self, const JaJingleMessage *msg,
    GPtrArray *cs)
{
  JaJingleReason reason = msg->reason ? msg->reason->condition
      : JA_JINGLE_REASON_SUCCESS;

  for (guint i = 0; i < cs->len; i++)
    ja_jingle_session_drop_content (self, CT (i), reason, TRUE);
  if (ja_jingle_session_get_n_contents (self) == 0)
    ja_jingle_session_end (self, reason, "no content left", TRUE);
  return TRUE;
}

static gboolean
handle_content_reject (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_our_pending (self, msg, error);

  return cs != NULL && drop_contents (self, msg, cs);
}

static gboolean
handle_content_remove (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  return cs != NULL && drop_contents (self, msg, cs);
}

static gboolean
handle_content_modify (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  if (cs == NULL)
    return FALSE;
  for (guint i = 0; i < cs->len; i++) {
    if (!MC (i)->has_senders)   /* §7.3: REQUIRED in content-modify */
      return BAD_REQUEST ("content-modify of '%s' without senders",
          MC (i)->name);
  }
  for (guint i = 0; i < cs->len; i++) {
    CT (i)->senders = MC (i)->senders;
    ja_jingle_app_senders_changed (CT (i)->app, MC (i)->senders);
    g_signal_emit (self, signals[JA_JINGLE_SESSION_SIGNAL_CONTENT_MODIFIED], 0,
        CT (i));
  }
  return TRUE;
}

static gboolean
handle_description_info (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  if (cs == NULL)
    return FALSE;
  for (guint i = 0; i < cs->len; i++) {
    if (MC (i)->description == NULL
        || !ns_is (MC (i)->description, CT (i)->app_kind->ns))
      return BAD_REQUEST ("description-info for '%s' without its description",
          MC (i)->name);
  }
  for (guint i = 0; i < cs->len; i++) {
    if (!ja_jingle_app_handle_info (CT (i)->app, MC (i)->description, error))
      return FALSE;
  }
  return TRUE;
}

/* §9: no security precondition kind exists in plugin API 1, so there is no
 * one to hand the information to. */
static gboolean
handle_security_info (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  if (cs == NULL)
    return FALSE;
  return fail (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_INFO,
      "no security preconditions are supported");
}

/* ---- transports --------------------------------------------------------- */

static gboolean
require_transports (const JaJingleMessage *msg, GError **error)
{
  for (guint i = 0; i < msg->contents->len; i++) {
    if (MC (i)->transport == NULL)
      return BAD_REQUEST ("%s for '%s' without a transport",
          ja_jingle_action_to_string (msg->action), MC (i)->name);
  }
  return TRUE;
}

static gboolean
handle_transport_info (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);
  g_autoptr (GPtrArray) targets = g_ptr_array_new ();

  if (cs == NULL || !require_transports (msg, error))
    return FALSE;
  for (guint i = 0; i < cs->len; i++) {
    JaJingleTransport *tp = CT (i)->transport;

    if (!ns_is (MC (i)->transport, tp->kind->ns)) {
      tp = CT (i)->replacement;
      if (tp == NULL || !ns_is (MC (i)->transport, tp->kind->ns))
        return BAD_REQUEST ("transport-info for '%s' in a foreign namespace",
            MC (i)->name);
    }
    g_ptr_array_add (targets, tp);
  }
  for (guint i = 0; i < cs->len; i++) {
    if (!ja_jingle_transport_handle_info (g_ptr_array_index (targets, i),
            MC (i)->transport, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
handle_transport_replace (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  if (cs == NULL || !require_transports (msg, error))
    return FALSE;
  for (guint i = 0; i < cs->len; i++)
    ja_jingle_content_peer_transport_replace (CT (i), MC (i)->transport);
  return TRUE;
}

/* transport-accept / transport-reject answer a transport-replace of ours. */
static GPtrArray *
find_replacing (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_contents (self, msg, error);

  if (cs == NULL)
    return NULL;
  for (guint i = 0; i < cs->len; i++) {
    if (CT (i)->replacement == NULL) {
      OUT_OF_ORDER ("no transport-replace of '%s' is pending", CT (i)->name);
      return NULL;
    }
  }
  return g_steal_pointer (&cs);
}

static gboolean
handle_transport_accept (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_replacing (self, msg, error);

  if (cs == NULL)
    return FALSE;
  for (guint i = 0; i < cs->len; i++) {
    if (!ns_is (MC (i)->transport, CT (i)->replacement->kind->ns))
      return BAD_REQUEST ("transport-accept of '%s' with another transport",
          MC (i)->name);
  }
  for (guint i = 0; i < cs->len; i++)
    ja_jingle_content_peer_transport_accept (CT (i), MC (i)->transport);
  return TRUE;
}

static gboolean
handle_transport_reject (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (GPtrArray) cs = find_replacing (self, msg, error);

  if (cs == NULL)
    return FALSE;
  for (guint i = 0; i < cs->len; i++)
    ja_jingle_content_peer_transport_reject (CT (i));
  return TRUE;
}

typedef gboolean (*ActionHandler) (JaJingleSession *self,
    const JaJingleMessage *msg, GError **error);

static const ActionHandler handlers[JA_JINGLE_N_ACTIONS] = {
  [JA_JINGLE_ACTION_CONTENT_ACCEPT] = handle_content_accept,
  [JA_JINGLE_ACTION_CONTENT_ADD] = handle_content_add,
  [JA_JINGLE_ACTION_CONTENT_MODIFY] = handle_content_modify,
  [JA_JINGLE_ACTION_CONTENT_REJECT] = handle_content_reject,
  [JA_JINGLE_ACTION_CONTENT_REMOVE] = handle_content_remove,
  [JA_JINGLE_ACTION_DESCRIPTION_INFO] = handle_description_info,
  [JA_JINGLE_ACTION_SECURITY_INFO] = handle_security_info,
  [JA_JINGLE_ACTION_SESSION_ACCEPT] = handle_session_accept,
  [JA_JINGLE_ACTION_SESSION_INFO] = handle_session_info,
  [JA_JINGLE_ACTION_SESSION_INITIATE] = handle_session_initiate,
  [JA_JINGLE_ACTION_SESSION_TERMINATE] = handle_session_terminate,
  [JA_JINGLE_ACTION_TRANSPORT_ACCEPT] = handle_transport_accept,
  [JA_JINGLE_ACTION_TRANSPORT_INFO] = handle_transport_info,
  [JA_JINGLE_ACTION_TRANSPORT_REJECT] = handle_transport_reject,
  [JA_JINGLE_ACTION_TRANSPORT_REPLACE] = handle_transport_replace,
};

/* §7.2.16, existing session: when both sides send the same action on the
 * same content at once, the initiator's wins. As initiator we refuse the
 * peer's with conflict + tie-break; as responder we drop ours and go on
 * (ours will be refused; request_failed() then ignores the conflict). */
static gboolean
break_tie (JaJingleSession *self, const JaJingleMessage *msg, GError **error)
{
  gboolean clash = FALSE;

  if (msg->action != JA_JINGLE_ACTION_CONTENT_ADD
      && msg->action != JA_JINGLE_ACTION_CONTENT_MODIFY
      && msg->action != JA_JINGLE_ACTION_TRANSPORT_REPLACE)
    return TRUE;
  for (guint i = 0; i < msg->contents->len; i++) {
    JaJingleContent *c = ja_jingle_session_find_content (self, MC (i)->creator,
        MC (i)->name);

    if (msg->action == JA_JINGLE_ACTION_TRANSPORT_REPLACE)
      clash |= c != NULL && c->replacement != NULL;
    else
      clash |= ja_jingle_session_has_pending (self, msg->action,
          MC (i)->name);
  }
  if (!clash)
    return TRUE;
  if (ja_jingle_session_get_role (self) == JA_JINGLE_ROLE_INITIATOR)
    return fail (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_TIE_BREAK,
        "our own %s is pending", ja_jingle_action_to_string (msg->action));
  for (guint i = 0; i < msg->contents->len; i++) {
    JaJingleContent *c = ja_jingle_session_find_content (self, MC (i)->creator,
        MC (i)->name);

    if (c != NULL && msg->action == JA_JINGLE_ACTION_TRANSPORT_REPLACE)
      ja_jingle_content_drop_replacement (c);
  }
  return TRUE;
}

gboolean
ja_jingle_session_receive (JaJingleSession *self, const JaJingleMessage *msg,
    GError **error)
{
  g_autoptr (JaJingleSession) keep = g_object_ref (self);
  (void) keep;   /* held while handlers run */
  JaJingleState state = ja_jingle_session_get_state (self);

  if (state == JA_JINGLE_STATE_ENDED)
    return fail (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNKNOWN_SESSION,
        "session %s has ended", msg->sid);
  if ((allowed_from_peer[state] & ACT_BIT (msg->action)) == 0)
    return OUT_OF_ORDER ("%s not allowed in state %s",
        ja_jingle_action_to_string (msg->action),
        ja_jingle_state_to_string (state));
  if (!role_may_send (ja_jingle_session_peer_role (self), msg->action))
    return OUT_OF_ORDER ("the %s may not send %s",
        ja_jingle_role_to_string (ja_jingle_session_peer_role (self)),
        ja_jingle_action_to_string (msg->action));
  if (!break_tie (self, msg, error))
    return FALSE;
  g_debug ("session %s: %s", msg->sid,
      ja_jingle_action_to_string (msg->action));
  return handlers[msg->action] (self, msg, error);
}
