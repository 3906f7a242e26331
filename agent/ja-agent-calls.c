/* ja-agent-calls.c — the answering side of calls for JaAgent: the policy
 * (who may call, answer at once or after ringing a while), incoming
 * sessions whose contents are all RTP, and XEP-0353 proposals: ringing at
 * once, proceed when we answer, accept the session-initiate whose sid is
 * the proposal's id; a retract, or a carbon (XEP-0280) of our other
 * device's proceed/reject, stops the ringing. */
#include "agent/ja-agent-calls.h"

#include <string.h>

#include "agent/ja-call.h"
#include "plugins/rtp/rtp-app.h"
#include "signalling/jingle/jingle-jmi.h"
#include "signalling/jingle/jingle-session.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"

#define NS_JMI JA_NS_JINGLE_MESSAGE
#define NS_HINTS "urn:xmpp:hints"                 /* XEP-0334 */
#define NS_CARBONS "urn:xmpp:carbons:2"           /* XEP-0280 */
#define NS_FORWARD "urn:xmpp:forward:0"           /* XEP-0297 */
#define NS_RTP_INFO JA_NS_JINGLE_RTP_INFO
#define MAX_PROPOSALS 32
#define PROCEEDED_TTL_US (60 * G_USEC_PER_SEC)
#define PROCEEDED_BUSY_US (10 * G_USEC_PER_SEC)

struct _JaAgentCalls {
  JaAgent *agent;              /* unowned: it owns us */
  JaXmppStream *stream;        /* unowned */
  gboolean answer;
  guint delay_ms;
  guint max_calls;             /* at once; 0: no limit */
  guint jmi_handler;
  guint carbons_handler;
  GHashTable *proposals;       /* id → Proposal*: ringing */
  GHashTable *proceeded;       /* id → gint64* when we proceeded */
  GPtrArray *calls;            /* JaCall*: live incoming calls */
  GPtrArray *ringing;          /* Ring*: sessions waiting for the delay */
};

typedef struct {
  JaAgentCalls *calls;
  char *id;
  char *from;
  guint timeout_id;
} Proposal;

typedef struct {
  JaAgentCalls *calls;
  JaJingleSession *session;
  guint timeout_id;
} Ring;

static void
proposal_free (gpointer data)
{
  Proposal *p = data;

  g_clear_handle_id (&p->timeout_id, g_source_remove);
  g_free (p->id);
  g_free (p->from);
  g_free (p);
}

static void
ring_free (gpointer data)
{
  Ring *r = data;

  g_clear_handle_id (&r->timeout_id, g_source_remove);
  g_object_unref (r->session);
  g_free (r);
}

static JaXmlNode *
jmi_message (const char *to, const char *element, const char *id)
{
  JaXmlNode *msg = ja_xml_node_new ("message", JA_NS_CLIENT);
  JaXmlNode *el;

  ja_xml_node_set_attr (msg, "to", to);
  ja_xml_node_set_attr (msg, "type", "chat");
  if (element != NULL) {
    el = ja_xml_node_add_new (msg, element, NS_JMI);
    ja_xml_node_set_attr (el, "id", id);
  }
  ja_xml_node_add_new (msg, "store", NS_HINTS);
  return msg;
}

/* ---- incoming sessions -------------------------------------------------- */

static void
call_ended_cb (JaCall *call, guint reason, const char *text, gboolean by_peer,
    gpointer user_data)
{
  JaAgentCalls *self = user_data;

  g_signal_handlers_disconnect_by_data (call, self);
  g_ptr_array_remove (self->calls, call);
}

/* XEP-0338: a caller that offered a BUNDLE group (WebRTC peers always
 * do, and with max-bundle refuse an answer without one) gets it back with
 * the contents we accept; they share our one ICE component already for an
 * audio-only call. */
static void
answer_bundle (JaJingleSession *session)
{
  const JaXmlNode *group = ja_jingle_session_find_initiate_payload (session,
      "group", JA_NS_JINGLE_GROUPING);
  JaXmlNode *answer;

  if (group == NULL
      || g_strcmp0 (ja_xml_node_get_attr (group, "semantics"), "BUNDLE") != 0)
    return;
  answer = ja_xml_node_new ("group", JA_NS_JINGLE_GROUPING);
  ja_xml_node_set_attr (answer, "semantics", "BUNDLE");
  /* The offered members that are contents of the session. */
  for (guint i = 0; i < ja_xml_node_get_n_children (group); i++) {
    const JaXmlNode *m = ja_xml_node_get_child (group, i);
    const char *name = ja_xml_node_get_attr (m, "name");

    if (!ja_xml_node_is (m, "content", JA_NS_JINGLE_GROUPING) || name == NULL
        || ja_jingle_session_find_content (session,
            JA_JINGLE_ROLE_INITIATOR, name) == NULL)
      continue;
    ja_xml_node_set_attr (ja_xml_node_add_new (answer, "content",
            JA_NS_JINGLE_GROUPING), "name", name);
  }
  ja_jingle_session_add_payload (session, answer);
}

static void
accept_session (JaAgentCalls *self, JaJingleSession *session)
{
  g_autoptr (GError) error = NULL;

  if (ja_jingle_session_get_state (session) == JA_JINGLE_STATE_PENDING
      && !ja_jingle_session_accept (session, &error))
    g_info ("agent: cannot accept %s's call: %s",
        ja_jingle_session_get_peer (session), error->message);
}

static gboolean
ring_done_cb (gpointer user_data)
{
  Ring *r = user_data;
  JaAgentCalls *self = r->calls;

  r->timeout_id = 0;
  accept_session (self, r->session);
  g_ptr_array_remove (self->ringing, r);
  return G_SOURCE_REMOVE;
}

gboolean
ja_agent_calls_is_call (JaJingleSession *session)
{
  guint n = ja_jingle_session_get_n_contents (session);

  for (guint i = 0; i < n; i++) {
    JaJingleContent *c = ja_jingle_session_get_content (session, i);

    if (ja_rtp_app_get_stream (ja_jingle_content_get_app (c)) == NULL)
      return FALSE;
  }
  return n > 0;
}

/* Calls taken and not ended, with the proposals ringing and those we
 * proceeded with whose session has not come yet: each is a call. (A
 * proceed whose session did not come within seconds went to a caller that
 * took another device's: it holds no place.) */
static gboolean
is_busy (JaAgentCalls *self, const gint64 *this_proceeded)
{
  guint taken = self->calls->len + g_hash_table_size (self->proposals);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter it;
  gpointer value;

  if (self->max_calls == 0)
    return FALSE;
  g_hash_table_iter_init (&it, self->proceeded);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (now - *(gint64 *) value < PROCEEDED_BUSY_US)
      taken++;
  if (this_proceeded != NULL && now - *this_proceeded < PROCEEDED_BUSY_US)
    taken--;                     /* the place this session's proceed held */
  return taken >= self->max_calls;
}

/* What a caller over the limit hears (the session's reason text, the
 * "call-declined" why). (transfer full) */
static char *
busy_why (JaAgentCalls *self)
{
  return g_strdup_printf ("busy: %u call%s in progress", self->max_calls,
      self->max_calls == 1 ? "" : "s");
}

/* "call-declined", then the session ends with reason (after the ack). */
static void
decline_session (JaAgentCalls *self, JaJingleSession *session,
    JaJingleReason reason, const char *why)
{
  g_signal_emit_by_name (self->agent, "call-declined",
      ja_jingle_session_get_peer (session), why);
  ja_jingle_session_terminate (session, reason, why);
}

void
ja_agent_calls_take_session (JaAgentCalls *self, JaJingleSession *session)
{
  const char *peer = ja_jingle_session_get_peer (session);
  const char *sid = ja_jingle_session_get_sid (session);
  g_autoptr (JaCall) call = NULL;
  gint64 *proceeded = g_hash_table_lookup (self->proceeded, sid);

  for (guint i = 0; i < ja_jingle_session_get_n_contents (session); i++) {
    JaJingleContent *c = ja_jingle_session_get_content (session, i);
    JaRtpStream *st = ja_rtp_app_get_stream (ja_jingle_content_get_app (c));
    const char *why = st != NULL ? ja_rtp_stream_get_failure (st) : NULL;

    if (why != NULL) {
      /* XEP-0167 §5: no payload type in common. */
      decline_session (self, session, JA_JINGLE_REASON_FAILED_APPLICATION,
          why);
      return;
    }
  }
  if (!self->answer) {
    decline_session (self, session, JA_JINGLE_REASON_DECLINE,
        "this agent does not take calls");
    return;
  }
  if (!ja_agent_is_allowed (self->agent, peer)) {
    decline_session (self, session, JA_JINGLE_REASON_DECLINE,
        "not an allowed caller");
    return;
  }
  if (is_busy (self, proceeded)) {
    /* XEP-0166 §7.4 <busy/>: the calls in progress go on. */
    g_autofree char *why = busy_why (self);

    decline_session (self, session, JA_JINGLE_REASON_BUSY, why);
    return;
  }
  answer_bundle (session);
  call = ja_call_new_incoming (self->agent, session);
  g_ptr_array_add (self->calls, g_object_ref (call));
  g_signal_connect (call, "ended", G_CALLBACK (call_ended_cb), self);
  g_signal_emit_by_name (self->agent, "call-incoming", call);
  if (proceeded != NULL)
    ja_call_set_proceeded (call, sid);
  if (proceeded != NULL || self->delay_ms == 0) {
    /* We proceeded already (XEP-0353): the ringing is done. */
    g_hash_table_remove (self->proceeded, sid);
    accept_session (self, session);
  } else {
    Ring *r = g_new0 (Ring, 1);

    r->calls = self;
    r->session = g_object_ref (session);
    r->timeout_id = g_timeout_add (self->delay_ms, ring_done_cb, r);
    g_ptr_array_add (self->ringing, r);
    ja_jingle_session_send_info (session,
        ja_xml_node_new ("ringing", NS_RTP_INFO), NULL);
  }
}

/* ---- XEP-0353 ----------------------------------------------------------- */

static gboolean
proceed_cb (gpointer user_data)
{
  Proposal *p = user_data;
  JaAgentCalls *self = p->calls;
  gint64 *when = g_new (gint64, 1);
  GHashTableIter it;
  gpointer key, value;
  gint64 now = g_get_monotonic_time ();

  p->timeout_id = 0;
  /* Forget proceeds whose session never came. */
  g_hash_table_iter_init (&it, self->proceeded);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (now - *(gint64 *) value > PROCEEDED_TTL_US)
      g_hash_table_iter_remove (&it);
  *when = now;
  g_hash_table_replace (self->proceeded, g_strdup (p->id), when);
  ja_xmpp_stream_send (self->stream, jmi_message (p->from, "proceed", p->id));
  g_hash_table_remove (self->proposals, p->id);
  return G_SOURCE_REMOVE;
}

static void
stop_ringing (JaAgentCalls *self, const char *id, const char *why)
{
  Proposal *p = g_hash_table_lookup (self->proposals, id);

  if (p == NULL)
    return;
  g_info ("agent: call %s from %s: %s", id, p->from, why);
  g_signal_emit_by_name (self->agent, "call-missed", p->from, why);
  g_hash_table_remove (self->proposals, id);
}

/* XEP-0353 <reject/> of proposal id, with a Jingle reason. */
static void
send_reject (JaAgentCalls *self, const char *to, const char *id,
    JaJingleReason reason, const char *text)
{
  g_autoptr (JaJmi) reject = ja_jmi_new (JA_JMI_REJECT, id);
  JaXmlNode *msg = jmi_message (to, NULL, NULL);

  ja_jmi_set_reason (reject, reason, text);
  ja_xml_node_add_child (msg, ja_jmi_build (reject));
  ja_xmpp_stream_send (self->stream, msg);
}

static void
handle_jmi (JaAgentCalls *self, const char *from, const JaJmi *jmi,
    gboolean carbon)
{
  const char *id = jmi->id;

  if (strlen (id) > 128)
    return;
  if (carbon) {
    /* Our other device answered or refused: stop ringing here. */
    if (jmi->action == JA_JMI_PROCEED || jmi->action == JA_JMI_ACCEPT)
      stop_ringing (self, id, "answered on another device");
    else if (jmi->action == JA_JMI_REJECT)
      stop_ringing (self, id, "rejected on another device");
    return;
  }
  if (jmi->action == JA_JMI_RETRACT) {
    Proposal *p = g_hash_table_lookup (self->proposals, id);

    if (p != NULL && g_strcmp0 (p->from, from) == 0)
      stop_ringing (self, id, "the caller hung up");
    return;
  }
  if (jmi->action != JA_JMI_PROPOSE || !self->answer
      || !ja_agent_is_allowed (self->agent, from)
      || g_hash_table_contains (self->proposals, id)
      || g_hash_table_size (self->proposals) >= MAX_PROPOSALS)
    return;
  if (!ja_jmi_has_media (jmi, "audio")) {
    send_reject (self, from, id, JA_JINGLE_REASON_UNSUPPORTED_APPLICATIONS,
        "audio calls only");
    return;
  }
  if (is_busy (self, NULL)) {
    g_autofree char *why = busy_why (self);

    send_reject (self, from, id, JA_JINGLE_REASON_BUSY, why);
    g_signal_emit_by_name (self->agent, "call-declined", from, why);
    return;
  }
  {
    Proposal *p = g_new0 (Proposal, 1);

    p->calls = self;
    p->id = g_strdup (id);
    p->from = g_strdup (from);
    g_hash_table_replace (self->proposals, g_strdup (id), p);
    ja_xmpp_stream_send (self->stream, jmi_message (from, "ringing", id));
    p->timeout_id = g_timeout_add (self->delay_ms, proceed_cb, p);
  }
}

static gboolean
jmi_cb (const JaXmlNode *stanza, gpointer user_data)
{
  JaAgentCalls *self = user_data;
  const char *from = ja_xml_node_get_attr (stanza, "from");
  g_autoptr (JaJid) jid = from != NULL ? ja_jid_parse (from, NULL) : NULL;

  if (jid == NULL || jid->resource == NULL
      || g_strcmp0 (from, ja_xmpp_stream_get_bound_jid (self->stream)) == 0)
    return FALSE;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (JaJmi) jmi = ja_jmi_parse (stanza, &error);

    if (jmi == NULL)
      g_debug ("agent: ignoring a malformed XEP-0353 message from %s: %s",
          from, error->message);
    else
      handle_jmi (self, from, jmi, FALSE);
  }
  return FALSE;   /* an outgoing JaCall may want it too */
}

/* XEP-0280 §Security: a carbon is only trusted from our own bare JID. */
static gboolean
carbons_cb (const JaXmlNode *stanza, gpointer user_data)
{
  JaAgentCalls *self = user_data;
  const char *from = ja_xml_node_get_attr (stanza, "from");
  const char *own = ja_xmpp_stream_get_bound_jid (self->stream);
  g_autofree char *own_bare = own != NULL ? ja_jid_string_to_bare (own)
      : NULL;
  const JaXmlNode *sent = ja_xml_node_find (stanza, "sent", NS_CARBONS);
  const JaXmlNode *fwd = sent != NULL ? ja_xml_node_find (sent, "forwarded",
      NS_FORWARD) : NULL;
  const JaXmlNode *inner = fwd != NULL ? ja_xml_node_find (fwd, "message",
      JA_NS_CLIENT) : NULL;

  if (from == NULL || own_bare == NULL || g_strcmp0 (from, own_bare) != 0
      || inner == NULL)
    return FALSE;
  if (ja_jmi_in_message (inner)) {
    g_autoptr (JaJmi) jmi = ja_jmi_parse (inner, NULL);

    if (jmi != NULL)
      handle_jmi (self, from, jmi, TRUE);
  }
  return TRUE;
}

/* ---- public ------------------------------------------------------------- */

JaAgentCalls *
ja_agent_calls_new (JaAgent *agent)
{
  JaAgentCalls *self = g_new0 (JaAgentCalls, 1);

  self->agent = agent;
  self->stream = ja_agent_get_stream (agent);
  self->proposals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      proposal_free);
  self->proceeded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  self->calls = g_ptr_array_new_with_free_func (g_object_unref);
  self->ringing = g_ptr_array_new_with_free_func (ring_free);
  ja_xmpp_stream_add_feature (self->stream, JA_NS_JINGLE_RTP_AUDIO);
  ja_xmpp_stream_add_feature (self->stream, JA_NS_JINGLE_DTLS);
  /* Test hook: JINGLE_AGENT_TEST_NO_JMI=1 is a device without XEP-0353
   * (it neither advertises nor answers proposals). */
  if (g_strcmp0 (g_getenv ("JINGLE_AGENT_TEST_NO_JMI"), "1") != 0) {
    ja_xmpp_stream_add_feature (self->stream, NS_JMI);
    self->jmi_handler = ja_xmpp_stream_add_stanza_handler (self->stream,
        "message", NS_JMI, jmi_cb, self);
  }
  self->carbons_handler = ja_xmpp_stream_add_stanza_handler (self->stream,
      "message", NS_CARBONS, carbons_cb, self);
  return self;
}

void
ja_agent_calls_free (JaAgentCalls *self)
{
  if (self == NULL)
    return;
  if (self->jmi_handler != 0)
    ja_xmpp_stream_remove_handler (self->stream, self->jmi_handler);
  if (self->carbons_handler != 0)
    ja_xmpp_stream_remove_handler (self->stream, self->carbons_handler);
  for (guint i = 0; i < self->calls->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->calls, i),
        self);
  g_ptr_array_unref (self->calls);
  g_ptr_array_unref (self->ringing);
  g_hash_table_unref (self->proposals);
  g_hash_table_unref (self->proceeded);
  g_free (self);
}

static void
carbons_enabled_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, &error);

  if (reply == NULL)
    g_info ("agent: carbons not enabled (%s): other devices will not stop "
        "ringing here", error->message);
}

void
ja_agent_calls_set_max (JaAgentCalls *self, guint max_calls)
{
  self->max_calls = max_calls;
}

void
ja_agent_calls_set_answer (JaAgentCalls *self, gboolean answer,
    guint delay_ms)
{
  JaXmlNode *iq;

  self->answer = answer;
  self->delay_ms = delay_ms;
  if (!answer || ja_xmpp_stream_get_bound_jid (self->stream) == NULL
      || ja_xmpp_stream_is_direct (self->stream))
    return;
  /* XEP-0280, so that our other devices' proceed reaches us. */
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_add_new (iq, "enable", NS_CARBONS);
  ja_xmpp_stream_iq_async (self->stream, iq, NULL, carbons_enabled_cb, NULL);
}
