/* ja-call.c — JaCall (see ja-call.h): the life of one audio call above the
 * Jingle engine. Outgoing to a bare JID: find a resource that does Jingle
 * RTP audio (directed presence + disco#info, as for files); when it lists
 * XEP-0353, propose to the bare JID so that every device rings and go on
 * with the first that proceeds (the session's sid is the propose id);
 * otherwise session-initiate to that resource. The engine does the rest;
 * this file watches the session, its RTP stream and its transport, keeps
 * the phase times and turns the end into one "ended". */
#include "agent/ja-call.h"

#include <string.h>

#include "plugins/ice-udp/ice-udp-transport.h"
#include "plugins/rtp/rtp-app.h"
#include "signalling/jingle/jingle-jmi.h"
#include "signalling/jingle/jingle-session.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"

#define NS_JMI JA_NS_JINGLE_MESSAGE
#define NS_HINTS "urn:xmpp:hints"                 /* XEP-0334 */
#define FIND_TIMEOUT_MS 10000

struct _JaCall {
  GObject parent;
  JaAgent *agent;
  JaXmppStream *stream;
  JaJingleSession *session;
  JaRtpStream *rtp;            /* the audio content's */
  JaRtpStream *video;          /* the video content's, nullable */
  gboolean want_video;
  gboolean no_bundle;
  char *peer;
  char *jmi_id;                /* outgoing XEP-0353 propose id */
  guint jmi_handler;
  guint ring_timeout_id;
  GCancellable *cancellable;
  gboolean outgoing;
  gboolean jmi;
  gboolean proceeded;
  gboolean connected;
  gboolean ended;
  gint64 t_initiate;
  gint64 t_accept;
  gint64 t_connected;
  gint64 t_first_media;
  guint end_reason;
  char *end_text;
  gboolean end_by_peer;
};

G_DEFINE_FINAL_TYPE (JaCall, ja_call, G_TYPE_OBJECT)

enum { SIG_RINGING, SIG_CONNECTED, SIG_FIRST_MEDIA, SIG_DTMF, SIG_ENDED,
  SIG_PEER_INFO, SIG_VIDEO_CHANGED, SIG_ICE_RESTART, SIG_PAIR_CHANGED,
  N_SIGNALS };
static guint signals[N_SIGNALS];

static void end_call (JaCall *self, JaJingleReason reason, const char *text,
    gboolean by_peer);

/* ---- XEP-0353 messages -------------------------------------------------- */

static JaXmlNode *
jmi_message (const char *to, const char *element, const char *id)
{
  JaXmlNode *msg = ja_xml_node_new ("message", JA_NS_CLIENT);
  JaXmlNode *el;

  ja_xml_node_set_attr (msg, "to", to);
  ja_xml_node_set_attr (msg, "type", "chat");
  el = ja_xml_node_add_new (msg, element, NS_JMI);
  ja_xml_node_set_attr (el, "id", id);
  ja_xml_node_add_new (msg, "store", NS_HINTS);
  return msg;
}

static void
jmi_add_reason (JaXmlNode *msg, const char *element, JaJingleReason reason,
    const char *text)
{
  JaXmlNode *el = ja_xml_node_find (msg, element, NS_JMI);
  JaXmlNode *r = ja_xml_node_add_new (el, "reason", JA_NS_JINGLE);

  ja_xml_node_add_new (r, ja_jingle_reason_to_string (reason), JA_NS_JINGLE);
  if (text != NULL)
    ja_xml_node_set_text (ja_xml_node_add_new (r, "text", JA_NS_JINGLE),
        text);
}

static char *
new_uuid (void)
{
  return g_uuid_string_random ();
}

/* ---- the session -------------------------------------------------------- */

static void
rtp_started_cb (JaRtpStream *rtp, gpointer user_data)
{
  JaCall *self = user_data;

  if (self->connected)
    return;
  self->connected = TRUE;
  self->t_connected = g_get_monotonic_time ();
  g_signal_emit (self, signals[SIG_CONNECTED], 0);
}

static void
rtp_first_media_cb (JaRtpStream *rtp, gpointer user_data)
{
  JaCall *self = user_data;

  if (self->t_first_media == 0)
    self->t_first_media = g_get_monotonic_time ();
  g_signal_emit (self, signals[SIG_FIRST_MEDIA], 0);
}

static void
rtp_dtmf_cb (JaRtpStream *rtp, gchar digit, guint ms, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIG_DTMF], 0, digit, ms);
}

static void
rtp_info_cb (JaRtpStream *rtp, const char *name, gpointer user_data)
{
  JaCall *self = user_data;

  if (g_strcmp0 (name, "ringing") == 0)
    g_signal_emit (self, signals[SIG_RINGING], 0, self->peer);
  else
    g_signal_emit (self, signals[SIG_PEER_INFO], 0, name);
}

static void
session_terminated_cb (JaJingleSession *session, guint reason,
    const char *text, gboolean by_peer, gpointer user_data)
{
  end_call (user_data, reason, text, by_peer);
}

static void
session_state_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  JaCall *self = user_data;

  if (ja_jingle_session_get_state (self->session) == JA_JINGLE_STATE_ACTIVE
      && self->t_accept == 0)
    self->t_accept = g_get_monotonic_time ();
}

/* XEP-0338 mid-call: our BUNDLE group becomes the members of session
 * that are still contents of it, less drop, plus add (both nullable); it
 * replaces ours at once (the transport of a content added next looks it up)
 * and goes out with our next content-add / content-accept. Nothing when we
 * sent no group, or when drop alone is asked and the group lacks it. */
static void
update_bundle (JaJingleSession *session, const char *add, const char *drop)
{
  JaJingleRole own = ja_jingle_session_get_role (session);
  const JaXmlNode *group = ja_jingle_session_find_bundle_group (session, own);
  JaXmlNode *update;

  if (group == NULL || (add == NULL
          && !ja_jingle_group_has_content (group, drop)))
    return;                  /* nothing changes */
  update = ja_xml_node_new ("group", JA_NS_JINGLE_GROUPING);
  ja_xml_node_set_attr (update, "semantics", "BUNDLE");
  for (guint i = 0; i < ja_xml_node_get_n_children (group); i++) {
    const char *name = ja_xml_node_get_attr (ja_xml_node_get_child (group, i),
        "name");

    if (name != NULL && g_strcmp0 (name, drop) != 0
        && g_strcmp0 (name, add) != 0
        && (ja_jingle_session_find_content (session, JA_JINGLE_ROLE_INITIATOR,
                name) != NULL
            || ja_jingle_session_find_content (session,
                JA_JINGLE_ROLE_RESPONDER, name) != NULL))
      ja_xml_node_set_attr (ja_xml_node_add_new (update, "content",
              JA_NS_JINGLE_GROUPING), "name", name);
  }
  if (add != NULL)
    ja_xml_node_set_attr (ja_xml_node_add_new (update, "content",
            JA_NS_JINGLE_GROUPING), "name", add);
  ja_jingle_session_update_payload (session, update);
}

/* Whether a content added now joins the audio's BUNDLE: both sides' latest
 * groups list the audio (the peer took the bundle). */
static gboolean
audio_bundled (JaCall *self)
{
  JaJingleSession *s = self->session;
  JaJingleRole own = ja_jingle_session_get_role (s);
  JaJingleRole peer = own == JA_JINGLE_ROLE_INITIATOR
      ? JA_JINGLE_ROLE_RESPONDER : JA_JINGLE_ROLE_INITIATOR;

  return !self->no_bundle
      && ja_jingle_group_has_content (ja_jingle_session_find_bundle_group (s,
              own), "audio")
      && ja_jingle_group_has_content (ja_jingle_session_find_bundle_group (s,
              peer), "audio");
}

static void
drop_video (JaCall *self, gboolean by_peer)
{
  if (self->video == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->video, self);
  g_clear_object (&self->video);
  g_signal_emit (self, signals[SIG_VIDEO_CHANGED], 0, FALSE, by_peer);
}

static void
take_video (JaCall *self, JaRtpStream *rtp, gboolean by_peer)
{
  if (self->video != NULL)
    return;
  self->video = g_object_ref (rtp);
  g_signal_connect (rtp, "info", G_CALLBACK (rtp_info_cb), self);
  g_signal_emit (self, signals[SIG_VIDEO_CHANGED], 0, TRUE, by_peer);
}

/* The peer's content-add mid-call (XEP-0166 §7.2.2): video joins the
 * call; anything else is refused. */
static void
content_added_cb (JaJingleSession *session, JaJingleContent *c,
    gpointer user_data)
{
  JaCall *self = user_data;
  JaRtpStream *rtp = ja_rtp_app_get_stream (ja_jingle_content_get_app (c));
  g_autoptr (GError) error = NULL;

  if (rtp == NULL || !ja_rtp_stream_is_video (rtp) || self->video != NULL
      || ja_rtp_stream_get_failure (rtp) != NULL) {
    ja_jingle_session_reject_content (session, c,
        JA_JINGLE_REASON_FAILED_APPLICATION, NULL);
    return;
  }
  /* It came in the peer's BUNDLE group: our content-accept echoes it. */
  if (ja_jingle_content_get_bundle_group (c) != NULL)
    update_bundle (session, ja_jingle_content_get_name (c), NULL);
  if (!ja_jingle_session_accept_content (session, c, &error)) {
    g_info ("call: cannot accept the peer's video: %s", error->message);
    return;
  }
  take_video (self, rtp, TRUE);
}

static void
content_removed_cb (JaJingleSession *session, JaJingleContent *c,
    gpointer user_data)
{
  JaCall *self = user_data;

  if (self->video != NULL && ja_rtp_stream_get_content (self->video) == c) {
    drop_video (self, TRUE);
    update_bundle (session, NULL, ja_jingle_content_get_name (c));
  }
}

/* ICE restarts and the pairs after them, from the session's ICE-UDP
 * transports. */
static void
ice_restarted_cb (JaJingleSession *session, gboolean by_peer,
    gboolean automatic, gpointer user_data)
{
  JaCall *self = user_data;

  if (!self->ended)
    g_signal_emit (self, signals[SIG_ICE_RESTART], 0, by_peer, automatic);
}

static void
ice_pair_cb (JaJingleSession *session, const char *local, const char *remote,
    gpointer user_data)
{
  JaCall *self = user_data;

  if (!self->ended)
    g_signal_emit (self, signals[SIG_PAIR_CHANGED], 0, local, remote);
}

static const JaIceUdpObserver ice_observer = {
  .restarted = ice_restarted_cb,
  .pair = ice_pair_cb,
};

static void
watch_session (JaCall *self, JaJingleSession *session)
{
  self->session = g_object_ref (session);
  ja_ice_udp_set_observer (session, &ice_observer, self);
  g_signal_connect (session, "terminated",
      G_CALLBACK (session_terminated_cb), self);
  g_signal_connect (session, "notify::state", G_CALLBACK (session_state_cb),
      self);
  g_signal_connect (session, "content-added", G_CALLBACK (content_added_cb),
      self);
  g_signal_connect (session, "content-removed",
      G_CALLBACK (content_removed_cb), self);
  for (guint i = 0; i < ja_jingle_session_get_n_contents (session); i++) {
    JaJingleContent *c = ja_jingle_session_get_content (session, i);
    JaRtpStream *rtp = ja_rtp_app_get_stream (ja_jingle_content_get_app (c));

    if (rtp == NULL)
      continue;
    if (ja_rtp_stream_is_video (rtp)) {
      if (self->video == NULL) {
        self->video = g_object_ref (rtp);
        g_signal_connect (rtp, "info", G_CALLBACK (rtp_info_cb), self);
      }
      continue;
    }
    if (self->rtp != NULL)
      continue;
    self->rtp = g_object_ref (rtp);
    g_signal_connect (rtp, "started", G_CALLBACK (rtp_started_cb), self);
    g_signal_connect (rtp, "first-media", G_CALLBACK (rtp_first_media_cb),
        self);
    g_signal_connect (rtp, "dtmf", G_CALLBACK (rtp_dtmf_cb), self);
    g_signal_connect (rtp, "info", G_CALLBACK (rtp_info_cb), self);
  }
}

static void
initiate (JaCall *self, const char *full_jid, const char *sid)
{
  JaJingleManager *manager = ja_agent_get_manager (self->agent);
  g_autoptr (JaJingleSession) session = NULL;
  g_autoptr (GError) error = NULL;
  JaJingleAppOptions opts = { .params = "audio" };
  JaJingleAppOptions video_opts = { .params = "video" };

  if (full_jid != self->peer) {
    g_free (self->peer);
    self->peer = g_strdup (full_jid);
  }
  session = ja_jingle_manager_new_session_with_sid (manager, full_jid, sid,
      &error);
  if (session != NULL && !self->no_bundle) {
    /* XEP-0338, offered by default as WebRTC peers expect: the contents
     * share one ICE component and one DTLS session (the group is there
     * before the contents, whose transports look it up). */
    JaXmlNode *group = ja_xml_node_new ("group", JA_NS_JINGLE_GROUPING);

    ja_xml_node_set_attr (group, "semantics", "BUNDLE");
    ja_xml_node_set_attr (ja_xml_node_add_new (group, "content",
            JA_NS_JINGLE_GROUPING), "name", "audio");
    if (self->want_video)
      ja_xml_node_set_attr (ja_xml_node_add_new (group, "content",
              JA_NS_JINGLE_GROUPING), "name", "video");
    ja_jingle_session_add_payload (session, group);
  }
  if (session == NULL
      || ja_jingle_session_add_content (session, "audio", JA_NS_JINGLE_RTP,
          JA_NS_JINGLE_ICE_UDP, &opts, &error) == NULL
      || (self->want_video && ja_jingle_session_add_content (session,
              "video", JA_NS_JINGLE_RTP, JA_NS_JINGLE_ICE_UDP, &video_opts,
              &error) == NULL)) {
    if (session != NULL)
      ja_jingle_session_terminate (session, JA_JINGLE_REASON_FAILED_APPLICATION,
          error->message);
    end_call (self, JA_JINGLE_REASON_FAILED_APPLICATION, error->message,
        FALSE);
    return;
  }
  watch_session (self, session);
  self->t_initiate = g_get_monotonic_time ();
  if (!ja_jingle_session_initiate (session, &error))
    end_call (self, JA_JINGLE_REASON_GENERAL_ERROR, error->message, FALSE);
}

/* ---- XEP-0353, the caller's side ---------------------------------------- */

static gboolean
ring_timeout_cb (gpointer user_data)
{
  JaCall *self = user_data;

  self->ring_timeout_id = 0;
  if (self->session != NULL) {
    if (ja_jingle_session_get_state (self->session) == JA_JINGLE_STATE_PENDING)
      ja_jingle_session_terminate (self->session, JA_JINGLE_REASON_TIMEOUT,
          "nobody answered");
    return G_SOURCE_REMOVE;
  }
  if (self->jmi_id != NULL) {
    JaXmlNode *msg = jmi_message (self->peer, "retract", self->jmi_id);

    jmi_add_reason (msg, "retract", JA_JINGLE_REASON_CANCEL,
        "nobody answered");
    ja_xmpp_stream_send (self->stream, msg);
  }
  end_call (self, JA_JINGLE_REASON_TIMEOUT, "nobody answered", FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
jmi_cb (const JaXmlNode *stanza, gpointer user_data)
{
  JaCall *self = user_data;
  const char *from = ja_xml_node_get_attr (stanza, "from");
  g_autoptr (JaJmi) jmi = NULL;

  if (self->jmi_id == NULL || self->ended || from == NULL
      || !ja_jid_string_bare_equal (from, self->peer))
    return FALSE;
  jmi = ja_jmi_parse (stanza, NULL);
  if (jmi == NULL || g_strcmp0 (jmi->id, self->jmi_id) != 0)
    return FALSE;
  if (self->proceeded)
    return TRUE;       /* a second device answered too late: ignored */
  switch (jmi->action) {
  case JA_JMI_RINGING:
    g_signal_emit (self, signals[SIG_RINGING], 0, from);
    break;
  case JA_JMI_PROCEED:
  case JA_JMI_ACCEPT:
    /* The first device that proceeds takes the call. */
    self->proceeded = TRUE;
    initiate (self, from, self->jmi_id);
    break;
  case JA_JMI_REJECT:
    end_call (self, jmi->has_reason ? jmi->reason : JA_JINGLE_REASON_DECLINE,
        jmi->reason_text != NULL ? jmi->reason_text : "rejected", TRUE);
    break;
  default:
    break;
  }
  return TRUE;
}

static void
propose (JaCall *self)
{
  JaXmlNode *msg;
  JaXmlNode *desc;

  self->jmi = TRUE;
  self->jmi_id = new_uuid ();
  self->jmi_handler = ja_xmpp_stream_add_stanza_handler (self->stream,
      "message", NS_JMI, jmi_cb, self);
  msg = jmi_message (self->peer, "propose", self->jmi_id);
  desc = ja_xml_node_add_new (ja_xml_node_find (msg, "propose", NS_JMI),
      "description", JA_NS_JINGLE_RTP);
  ja_xml_node_set_attr (desc, "media", "audio");
  self->t_initiate = g_get_monotonic_time ();
  ja_xmpp_stream_send (self->stream, msg);
}

static void
found_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaCall) self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) features = NULL;
  g_autofree char *full = ja_agent_find_peer_with_finish (JA_AGENT (source),
      res, &features, &error);

  if (self->ended)
    return;
  if (full == NULL) {
    end_call (self, JA_JINGLE_REASON_GONE, error->message, FALSE);
    return;
  }
  if (g_strv_contains ((const char *const *) features, NS_JMI))
    propose (self);            /* every device of the bare JID rings */
  else
    initiate (self, full, NULL);
}

/* ---- public ------------------------------------------------------------- */

JaCall *
ja_call_new_outgoing (JaAgent *agent, const char *to)
{
  JaCall *self = g_object_new (JA_TYPE_CALL, NULL);

  self->agent = g_object_ref (agent);
  self->stream = g_object_ref (ja_agent_get_stream (agent));
  self->peer = g_strdup (to);
  self->outgoing = TRUE;
  return self;
}

static gboolean
start_idle_cb (gpointer user_data)
{
  g_autoptr (JaCall) self = user_data;
  g_autoptr (JaJid) jid = ja_jid_parse (self->peer, NULL);
  static const char *const audio[] = { JA_NS_JINGLE_RTP,
    JA_NS_JINGLE_RTP_AUDIO, JA_NS_JINGLE_ICE_UDP, JA_NS_JINGLE_DTLS, NULL };

  if (self->ended)
    return G_SOURCE_REMOVE;
  self->ring_timeout_id = g_timeout_add (JA_CALL_RING_TIMEOUT_MS,
      ring_timeout_cb, self);
  if (jid == NULL) {
    end_call (self, JA_JINGLE_REASON_GENERAL_ERROR, "not a JID", FALSE);
  } else if (jid->resource != NULL || ja_xmpp_stream_is_direct (self->stream)) {
    /* A full JID, or the one peer of a serverless stream. */
    initiate (self, self->peer, NULL);
  } else {
    ja_agent_find_peer_with_async (self->agent, self->peer, audio,
        "Jingle audio calls", FIND_TIMEOUT_MS, self->cancellable, found_cb,
        g_object_ref (self));
  }
  return G_SOURCE_REMOVE;
}

void
ja_call_start (JaCall *self)
{
  g_return_if_fail (JA_IS_CALL (self) && self->outgoing);
  g_idle_add (start_idle_cb, g_object_ref (self));
}

JaCall *
ja_call_new_incoming (JaAgent *agent, JaJingleSession *session)
{
  JaCall *self = g_object_new (JA_TYPE_CALL, NULL);

  self->agent = g_object_ref (agent);
  self->stream = g_object_ref (ja_agent_get_stream (agent));
  self->peer = g_strdup (ja_jingle_session_get_peer (session));
  self->t_initiate = g_get_monotonic_time ();
  watch_session (self, session);
  return self;
}

void
ja_call_set_proceeded (JaCall *self, const char *jmi_id)
{
  g_return_if_fail (JA_IS_CALL (self) && jmi_id != NULL);

  self->jmi = TRUE;
  self->proceeded = TRUE;
  g_free (self->jmi_id);
  self->jmi_id = g_strdup (jmi_id);
}

void
ja_call_hangup (JaCall *self)
{
  if (self->ended)
    return;
  if (self->session != NULL) {
    ja_jingle_session_terminate (self->session, JA_JINGLE_REASON_SUCCESS,
        "hung up");
    return;
  }
  if (self->jmi_id != NULL) {
    JaXmlNode *msg = jmi_message (self->peer, "retract", self->jmi_id);

    jmi_add_reason (msg, "retract", JA_JINGLE_REASON_CANCEL, "hung up");
    ja_xmpp_stream_send (self->stream, msg);
  }
  end_call (self, JA_JINGLE_REASON_CANCEL, "hung up before the peer "
      "answered", FALSE);
}

gboolean
ja_call_send_dtmf (JaCall *self, const char *digits, GError **error)
{
  if (self->rtp == NULL || !self->connected) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "the call is not connected");
    return FALSE;
  }
  return ja_rtp_stream_send_dtmf (self->rtp, digits, error);
}

static void
end_call (JaCall *self, JaJingleReason reason, const char *text,
    gboolean by_peer)
{
  g_autoptr (JaCall) keep = g_object_ref (self);

  (void) keep;   /* "ended"'s handlers may drop the last other reference */
  if (self->ended)
    return;
  self->ended = TRUE;
  self->end_reason = reason;
  self->end_text = g_strdup (text);
  self->end_by_peer = by_peer;
  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->jmi_handler != 0) {
    ja_xmpp_stream_remove_handler (self->stream, self->jmi_handler);
    self->jmi_handler = 0;
  }
  /* XEP-0353 §finish: both parties SHOULD send <finish/> to the other's
   * full JID, whoever ended the session (the other's devices and archives
   * learn the end even if it lost its connection). */
  if (self->jmi && self->proceeded && self->session != NULL) {
    JaXmlNode *msg = jmi_message (self->peer, "finish", self->jmi_id);

    jmi_add_reason (msg, "finish", reason, text);
    ja_xmpp_stream_send (self->stream, msg);
  }
  g_signal_emit (self, signals[SIG_ENDED], 0, reason, text, by_peer);
}

void
ja_call_set_video (JaCall *self, gboolean video)
{
  self->want_video = video;
}

void
ja_call_set_bundle (JaCall *self, gboolean bundle)
{
  self->no_bundle = !bundle;
}

gboolean
ja_call_add_video (JaCall *self, GError **error)
{
  JaJingleAppOptions opts = { .params = "video" };
  JaJingleContent *c;

  if (self->session == NULL || !self->connected || self->ended
      || self->video != NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        self->video != NULL ? "the call has video already"
        : "the call is not connected");
    return FALSE;
  }
  /* Into the audio's BUNDLE when the peer took it (RFC 8843 §7.3: the
   * content-add carries the updated group, the transport is the bundle's). */
  if (audio_bundled (self))
    update_bundle (self->session, "video", NULL);
  c = ja_jingle_session_add_content (self->session, "video",
      JA_NS_JINGLE_RTP, JA_NS_JINGLE_ICE_UDP, &opts, error);
  if (c == NULL) {
    update_bundle (self->session, NULL, "video");
    return FALSE;
  }
  take_video (self, ja_rtp_app_get_stream (ja_jingle_content_get_app (c)),
      FALSE);
  return TRUE;
}

gboolean
ja_call_remove_video (JaCall *self, GError **error)
{
  JaJingleContent *c = self->video != NULL
      ? ja_rtp_stream_get_content (self->video) : NULL;

  if (c == NULL || self->session == NULL || self->ended) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "the call has no video");
    return FALSE;
  }
  drop_video (self, FALSE);
  if (!ja_jingle_session_remove_content (self->session, c,
          JA_JINGLE_REASON_SUCCESS, error))
    return FALSE;
  update_bundle (self->session, NULL, "video");   /* for the next one */
  return TRUE;
}

gboolean
ja_call_has_video (JaCall *self)
{
  return self->video != NULL;
}

gboolean
ja_call_video_is_bundled (JaCall *self)
{
  JaJingleContent *c = self->video != NULL
      ? ja_rtp_stream_get_content (self->video) : NULL;
  JaIceUdpInfo info;
  gboolean bundled;

  if (c == NULL || !ja_ice_udp_transport_get_info (
          ja_jingle_content_get_transport (c), &info))
    return FALSE;
  bundled = info.bundle_size > 1;
  ja_ice_udp_info_clear (&info);
  return bundled;
}

gboolean
ja_call_get_video_stats (JaCall *self, JaMediaVideoStats *stats)
{
  if (self->video == NULL) {
    memset (stats, 0, sizeof *stats);
    return FALSE;
  }
  return ja_rtp_stream_get_video_stats (self->video, stats);
}

const char *
ja_call_get_video_codec (JaCall *self)
{
  return self->video != NULL ? ja_rtp_stream_get_codec (self->video) : NULL;
}

gboolean
ja_call_save_frame_png (JaCall *self, const char *path, GError **error)
{
  if (self->video == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "the call has no video");
    return FALSE;
  }
  return ja_rtp_stream_save_frame_png (self->video, path, error);
}

gboolean
ja_call_restart_ice (JaCall *self, GError **error)
{
  if (self->session == NULL || !self->connected || self->ended) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "the call is not connected");
    return FALSE;
  }
  return ja_ice_udp_restart (self->session, error);
}

gboolean
ja_call_set_held (JaCall *self, gboolean held, GError **error)
{
  if (self->rtp == NULL || !self->connected || self->ended) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "the call is not connected");
    return FALSE;
  }
  return ja_rtp_stream_set_held (self->rtp, held, error);
}

gboolean
ja_call_set_muted (JaCall *self, gboolean muted, GError **error)
{
  if (self->rtp == NULL || !self->connected || self->ended) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "the call is not connected");
    return FALSE;
  }
  return ja_rtp_stream_set_muted (self->rtp, muted, error);
}

const char *
ja_call_get_peer (JaCall *self)
{
  return self->peer;
}

JaXmppStream *
ja_call_get_stream (JaCall *self)
{
  return self->stream;
}

gboolean
ja_call_is_outgoing (JaCall *self)
{
  return self->outgoing;
}

gboolean
ja_call_is_connected (JaCall *self)
{
  return self->connected;
}

gboolean
ja_call_is_ended (JaCall *self)
{
  return self->ended;
}

gboolean
ja_call_used_jmi (JaCall *self)
{
  return self->jmi;
}

JaJingleSession *
ja_call_get_session (JaCall *self)
{
  return self->session;
}

const char *
ja_call_get_codec (JaCall *self)
{
  return self->rtp != NULL ? ja_rtp_stream_get_codec (self->rtp) : NULL;
}

const char *
ja_call_get_audio_engine (JaCall *self)
{
  return self->rtp != NULL ? ja_rtp_stream_get_audio_engine (self->rtp)
      : NULL;
}

static guint
ms_between (gint64 a, gint64 b)
{
  return a != 0 && b >= a ? (guint) ((b - a + 500) / 1000) : 0;
}

void
ja_call_get_times (JaCall *self, JaCallTimes *t)
{
  JaIceUdpInfo info;

  memset (t, 0, sizeof *t);
  if (self->outgoing)
    t->signalling_ms = ms_between (self->t_initiate, self->t_accept);
  if (ja_call_get_transport_info (self, &info)) {
    t->ice_ms = info.ice_ms;
    t->dtls_ms = info.dtls_ms;
    t->accept_to_secure_ms = ms_between (self->t_accept, info.secured_at);
    ja_ice_udp_info_clear (&info);
  }
  if (self->t_connected != 0)
    t->setup_ms = ms_between (self->t_initiate, self->t_connected);
  if (self->t_first_media != 0)
    t->first_media_ms = ms_between (self->t_initiate, self->t_first_media);
}

gboolean
ja_call_get_media_stats (JaCall *self, JaMediaAudioStats *stats)
{
  if (self->rtp == NULL) {
    memset (stats, 0, sizeof *stats);
    return FALSE;
  }
  return ja_rtp_stream_get_audio_stats (self->rtp, stats);
}

void
ja_call_get_audio_directions (JaCall *self, gboolean *send, gboolean *receive)
{
  *send = *receive = FALSE;
  if (self->rtp != NULL)
    ja_rtp_stream_get_directions (self->rtp, send, receive);
}

gboolean
ja_call_get_transport_info (JaCall *self, JaIceUdpInfo *info)
{
  JaJingleContent *c = self->rtp != NULL
      ? ja_rtp_stream_get_content (self->rtp) : NULL;

  memset (info, 0, sizeof *info);
  if (c == NULL)
    return FALSE;
  return ja_ice_udp_transport_get_info (ja_jingle_content_get_transport (c),
      info);
}

guint
ja_call_get_end_reason (JaCall *self, const char **text, gboolean *by_peer)
{
  if (text != NULL)
    *text = self->end_text;
  if (by_peer != NULL)
    *by_peer = self->end_by_peer;
  return self->end_reason;
}

/* ---- GObject ------------------------------------------------------------ */

static void
ja_call_dispose (GObject *object)
{
  JaCall *self = JA_CALL (object);

  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  if (self->jmi_handler != 0 && self->stream != NULL) {
    ja_xmpp_stream_remove_handler (self->stream, self->jmi_handler);
    self->jmi_handler = 0;
  }
  if (self->session != NULL) {
    g_signal_handlers_disconnect_by_data (self->session, self);
    ja_ice_udp_set_observer (self->session, NULL, NULL);
  }
  if (self->rtp != NULL)
    g_signal_handlers_disconnect_by_data (self->rtp, self);
  if (self->video != NULL)
    g_signal_handlers_disconnect_by_data (self->video, self);
  g_clear_object (&self->session);
  g_clear_object (&self->rtp);
  g_clear_object (&self->video);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stream);
  g_clear_object (&self->agent);
  G_OBJECT_CLASS (ja_call_parent_class)->dispose (object);
}

static void
ja_call_finalize (GObject *object)
{
  JaCall *self = JA_CALL (object);

  g_free (self->peer);
  g_free (self->jmi_id);
  g_free (self->end_text);
  G_OBJECT_CLASS (ja_call_parent_class)->finalize (object);
}

static void
ja_call_class_init (JaCallClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);

  oc->dispose = ja_call_dispose;
  oc->finalize = ja_call_finalize;
  signals[SIG_RINGING] = g_signal_new ("ringing", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_CONNECTED] = g_signal_new ("connected",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
  signals[SIG_FIRST_MEDIA] = g_signal_new ("first-media",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
  signals[SIG_DTMF] = g_signal_new ("dtmf", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_CHAR,
      G_TYPE_UINT);
  signals[SIG_PEER_INFO] = g_signal_new ("peer-info",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_VIDEO_CHANGED] = g_signal_new ("video-changed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[SIG_ICE_RESTART] = g_signal_new ("ice-restart",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[SIG_PAIR_CHANGED] = g_signal_new ("pair-changed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT,
      G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
ja_call_init (JaCall *self)
{
  self->cancellable = g_cancellable_new ();
}
