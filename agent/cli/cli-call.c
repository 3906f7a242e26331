/* cli-call.c — what `call` and `answer` share: the media and ICE options
 * (audio source, sink, WAV recording, STUN/TURN, relay-only, the DTLS
 * identity), applying them to a connected stream (with the server's
 * XEP-0215 STUN/TURN services unless told not to), and printing what a
 * call does: ringing, connected with the time of each phase, the selected
 * candidate pair, the SRTP profile and codec, first audio, stats every few
 * seconds, DTMF digits, ICE restarts and the pairs after them, the end;
 * one JSON event per line with --json. */
#include "agent/cli/cli-call.h"

#include <stdio.h>
#include <string.h>

#include "media/dtls-cert.h"
#include "media/media-devices.h"
#include "plugins/ice-udp/ice-udp-transport.h"
#include "plugins/rtp/rtp-app.h"
#include "signalling/jingle/jingle-reason.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/services.h"
#include "signalling/xmpp/xmpp-error.h"

void
ja_cli_media_add_options (JaCliMedia *m, GOptionContext *ctx)
{
  GOptionEntry entries[] = {
    { "audio", 0, 0, G_OPTION_ARG_STRING, &m->audio,
      "What we send: test[:FREQ] (a sine, 440 Hz by default), file:PATH, "
      "device[:NAME], pipeline:DESC, silence", "SRC" },
    { "video", 0, 0, G_OPTION_ARG_STRING, &m->video,
      "Video (VP8 or H.264) from SRC: test (colour bars), device[:/dev/videoN], "
      "file:PATH, pipeline:DESC (call: adds a video content; answer: what "
      "a video content gets, default test)", "SRC" },
    { "video-sink", 0, 0, G_OPTION_ARG_STRING, &m->video_sink,
      "Where the peer's video goes: none (default), device, pipeline:DESC",
      "SINK" },
    { "video-size", 0, 0, G_OPTION_ARG_STRING, &m->video_size,
      "Send video at WIDTHxHEIGHT (default 640x480)", "WxH" },
    { "video-fps", 0, 0, G_OPTION_ARG_INT, &m->video_fps,
      "Send video at N frames per second (default 30)", "N" },
    { "video-kbps", 0, 0, G_OPTION_ARG_INT, &m->video_kbps,
      "Video bitrate in kbit/s (default 1000): the encoder target at most, "
      "lowered while "
      "the peer reports loss or sends a lower REMB", "N" },
    { "record-video", 0, 0, G_OPTION_ARG_FILENAME, &m->record_video,
      "Record the peer's video into FILE: .mkv (Matroska, VP8 or H.264), "
      "otherwise WebM (VP8 only)", "FILE" },
    { "video-codec", 0, 0, G_OPTION_ARG_STRING_ARRAY, &m->video_codecs,
      "Offer/accept only this video codec: vp8, h264 (repeatable, in order "
      "of preference; default vp8 then h264)", "NAME" },
    { "snapshot", 0, 0, G_OPTION_ARG_FILENAME, &m->snapshot,
      "Save the peer's latest video frame as FILE.png at every stats "
      "interval", "FILE" },
    { "codec", 0, 0, G_OPTION_ARG_STRING_ARRAY, &m->codecs,
      "Offer/accept only this codec: opus, PCMU, PCMA (repeatable, in order "
      "of preference; default all)", "NAME" },
    { "media-engine", 0, 0, G_OPTION_ARG_STRING, &m->media_engine,
      "Audio engine: auto (default: native for test/silence/WAV sources "
      "and sink none, GStreamer otherwise), native (libopus and G.711 on "
      "media threads shared by all calls), gstreamer", "ENGINE" },
    { "sink", 0, 0, G_OPTION_ARG_STRING, &m->sink,
      "Where the peer's audio goes: none (default), device[:NAME], "
      "pipeline:DESC", "SINK" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &m->record,
      "Also record the peer's audio into FILE.wav ('%n' becomes the call "
      "number)", "FILE" },
    { "stun", 0, 0, G_OPTION_ARG_STRING, &m->stun,
      "STUN server HOST[:PORT] (default: the server's XEP-0215 services)",
      "HOST" },
    { "turn", 0, 0, G_OPTION_ARG_STRING, &m->turn,
      "TURN server HOST[:PORT] (with --turn-user, --turn-password)", "HOST" },
    { "turn-transport", 0, 0, G_OPTION_ARG_STRING, &m->turn_transport,
      "udp (default), tcp or tls (TURN over TLS, default port 5349, "
      "certificate checked)", "T" },
    { "turn-ca", 0, 0, G_OPTION_ARG_FILENAME, &m->turn_ca,
      "Trust the CAs in FILE (PEM) for TURN over TLS (default: --ca-file; "
      "the system store too unless --no-system-trust)", "FILE" },
    { "turn-user", 0, 0, G_OPTION_ARG_STRING, &m->turn_user,
      "TURN username", "USER" },
    { "turn-password", 0, 0, G_OPTION_ARG_STRING, &m->turn_password,
      "TURN password", "PASSWORD" },
    { "relay-only", 0, 0, G_OPTION_ARG_NONE, &m->relay_only,
      "Offer and use TURN relay candidates only (hides our addresses)",
      NULL },
    { "no-server-services", 0, 0, G_OPTION_ARG_NONE, &m->no_services,
      "Do not ask the server for STUN/TURN (XEP-0215)", NULL },
    { "ice-loopback", 0, 0, G_OPTION_ARG_NONE, &m->loopback,
      "Also gather 127.0.0.1 (calls on one host)", NULL },
    { "ice-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &m->ice_addresses,
      "Gather host candidates on ADDRESS only (repeatable; loopback "
      "allowed)", "ADDRESS" },
    { "dtls-cert", 0, 0, G_OPTION_ARG_FILENAME, &m->dtls_cert,
      "Our DTLS identity (PEM, made when missing; default "
      "$XDG_DATA_HOME/jingle-agent/dtls.pem)", "FILE" },
    { "hold-after", 0, 0, G_OPTION_ARG_INT, &m->hold_after,
      "Put the call on hold SECONDS after it connected (session-info hold), "
      "for --hold-for seconds (default 1)", "SECONDS" },
    { "hold-for", 0, 0, G_OPTION_ARG_INT, &m->hold_for,
      "How long --hold-after holds", "SECONDS" },
    { "mute-after", 0, 0, G_OPTION_ARG_INT, &m->mute_after,
      "Mute our audio SECONDS after the call connected (session-info mute), "
      "for --mute-for seconds (default 1)", "SECONDS" },
    { "mute-for", 0, 0, G_OPTION_ARG_INT, &m->mute_for,
      "How long --mute-after mutes", "SECONDS" },
    { "add-video-after", 0, 0, G_OPTION_ARG_INT, &m->add_video_after,
      "Add video (content-add, --video or test) SECONDS after the call "
      "connected", "SECONDS" },
    { "remove-video-after", 0, 0, G_OPTION_ARG_INT, &m->remove_video_after,
      "Remove the video (content-remove) SECONDS after the call connected",
      "SECONDS" },
    { "ice-restart-after", 0, 0, G_OPTION_ARG_INT, &m->ice_restart_after,
      "Restart ICE SECONDS after the call connected (new ufrag/pwd in a "
      "transport-info; media goes on over the same DTLS-SRTP)", "SECONDS" },
    { "stats-interval", 0, 0, G_OPTION_ARG_INT, &m->stats_interval,
      "Print stats every N seconds (default 2, 0: never)", "N" },
    { NULL }
  };
  GOptionGroup *g = g_option_group_new ("media", "Media and ICE options:",
      "Show media and ICE options", NULL, NULL);

  m->stats_interval = 2;
  g_option_group_add_entries (g, entries);
  g_option_context_add_group (ctx, g);
}

gboolean
ja_cli_media_check (JaCliMedia *m, const char *cmd)
{
  if (m->turn != NULL && (m->turn_user == NULL || m->turn_password == NULL)) {
    fprintf (stderr, "jingle-agent %s: --turn needs --turn-user and "
        "--turn-password\n", cmd);
    return FALSE;
  }
  if (m->turn_transport != NULL && g_strcmp0 (m->turn_transport, "udp") != 0
      && g_strcmp0 (m->turn_transport, "tcp") != 0
      && g_strcmp0 (m->turn_transport, "tls") != 0) {
    fprintf (stderr, "jingle-agent %s: --turn-transport is udp, tcp or "
        "tls\n", cmd);
    return FALSE;
  }
  for (guint i = 0; m->codecs != NULL && m->codecs[i] != NULL; i++)
    if (g_ascii_strcasecmp (m->codecs[i], "opus") != 0
        && g_ascii_strcasecmp (m->codecs[i], "PCMU") != 0
        && g_ascii_strcasecmp (m->codecs[i], "PCMA") != 0) {
      fprintf (stderr, "jingle-agent %s: --codec is opus, PCMU or PCMA, not "
          "'%s'\n", cmd, m->codecs[i]);
      return FALSE;
    }
  if (m->media_engine != NULL && g_strcmp0 (m->media_engine, "auto") != 0
      && g_strcmp0 (m->media_engine, "gstreamer") != 0
      && g_strcmp0 (m->media_engine, "native") != 0) {
    fprintf (stderr, "jingle-agent %s: --media-engine is auto, gstreamer or "
        "native, not '%s'\n", cmd, m->media_engine);
    return FALSE;
  }
  for (guint i = 0; m->video_codecs != NULL && m->video_codecs[i] != NULL;
      i++)
    if (g_ascii_strcasecmp (m->video_codecs[i], "vp8") != 0
        && g_ascii_strcasecmp (m->video_codecs[i], "h264") != 0) {
      fprintf (stderr, "jingle-agent %s: --video-codec is vp8 or h264, not "
          "'%s'\n", cmd, m->video_codecs[i]);
      return FALSE;
    }
  if (m->hold_after < 0 || m->mute_after < 0 || m->hold_for < 0
      || m->mute_for < 0 || m->add_video_after < 0
      || m->remove_video_after < 0) {
    fprintf (stderr, "jingle-agent %s: --hold-after, --hold-for, --mute-after "
        "and --mute-for cannot be negative\n", cmd);
    return FALSE;
  }
  if (m->ice_restart_after < 0) {
    fprintf (stderr, "jingle-agent %s: --ice-restart-after cannot be "
        "negative\n", cmd);
    return FALSE;
  }
  if (m->video_size != NULL) {
    guint w = 0, h = 0;
    char extra;

    if (sscanf (m->video_size, "%ux%u%c", &w, &h, &extra) != 2 || w < 16
        || h < 16 || w > 3840 || h > 2160 || w % 2 != 0 || h % 2 != 0) {
      fprintf (stderr, "jingle-agent %s: --video-size is WIDTHxHEIGHT, even, "
          "16x16 to 3840x2160\n", cmd);
      return FALSE;
    }
  }
  if (m->video_fps < 0 || m->video_fps > 120 || m->video_kbps < 0
      || m->video_kbps > 50000) {
    fprintf (stderr, "jingle-agent %s: --video-fps is 1..120, --video-kbps "
        "1..50000\n", cmd);
    return FALSE;
  }
  if (m->stats_interval < 0) {
    fprintf (stderr, "jingle-agent %s: --stats-interval cannot be "
        "negative\n", cmd);
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_cli_media_check_devices (JaCliMedia *m, GError **error)
{
  const struct {
    const char *spec;
    JaMediaDeviceKind kind;
    const char *option;
  } named[] = {
    { m->audio, JA_MEDIA_DEVICE_AUDIO_SOURCE, "--audio" },
    { m->sink, JA_MEDIA_DEVICE_AUDIO_SINK, "--sink" },
    { m->video, JA_MEDIA_DEVICE_VIDEO_SOURCE, "--video" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (named[i].spec != NULL && g_str_has_prefix (named[i].spec, "device:")
        && !ja_media_device_check (named[i].kind, named[i].spec + 7, error)) {
      g_prefix_error (error, "%s %s: ", named[i].option, named[i].spec);
      return FALSE;
    }
  return TRUE;
}

void
ja_cli_media_clear (JaCliMedia *m)
{
  g_free (m->audio);
  g_free (m->sink);
  g_free (m->record);
  g_free (m->stun);
  g_free (m->turn);
  g_free (m->turn_transport);
  g_free (m->turn_ca);
  g_free (m->turn_user);
  g_free (m->turn_password);
  g_free (m->dtls_cert);
  g_strfreev (m->ice_addresses);
  g_strfreev (m->codecs);
  g_strfreev (m->video_codecs);
  g_free (m->video);
  g_free (m->video_sink);
  g_free (m->record_video);
  g_free (m->snapshot);
  g_free (m->video_size);
  g_free (m->media_engine);
}

static JaIceTurnTransport
turn_transport_of (const char *s)
{
  if (g_strcmp0 (s, "tcp") == 0)
    return JA_ICE_TURN_TCP;
  if (g_strcmp0 (s, "tls") == 0 || g_strcmp0 (s, "turns") == 0)
    return JA_ICE_TURN_TLS;
  return JA_ICE_TURN_UDP;
}

static void
add_turn (JaCliMedia *m, GPtrArray *turns, const char *host, guint port,
    JaIceTurnTransport t, const char *user, const char *password)
{
  JaIceTurnServer *ts = g_new0 (JaIceTurnServer, 1);

  ts->host = g_strdup (host);
  ts->port = port;
  ts->transport = t;
  ts->username = g_strdup (user);
  ts->password = g_strdup (password);
  ts->ca_file = g_strdup (m->turn_ca != NULL ? m->turn_ca : m->default_ca);
  ts->no_system_trust = m->no_system_trust;
  g_ptr_array_add (turns, ts);
}

/* A "turns" item without credentials: Prosody's mod_turn_external (0.12)
 * gives its TLS entry none, while the same coturn takes the ones of its
 * "turn" items on that host. (transfer none) */
static const JaExtService *
credentials_for (const JaServerInfo *info, const JaExtService *s)
{
  if (s->username != NULL && s->password != NULL)
    return s;
  for (guint i = 0; i < info->services->len; i++) {
    const JaExtService *o = g_ptr_array_index (info->services, i);

    if (g_strcmp0 (o->type, "turn") == 0 && g_strcmp0 (o->host, s->host) == 0
        && o->username != NULL && o->password != NULL)
      return o;
  }
  return NULL;
}

gboolean
ja_cli_media_apply (JaCliMedia *m, JaXmppStream *stream,
    const JaServerInfo *info, GError **error)
{
  JaRtpMediaOptions mo = { m->audio, m->sink, m->record,
    (const char *const *) m->codecs, m->video, m->video_sink,
    m->record_video, 0, 0, (guint) m->video_fps, (guint) m->video_kbps,
    JA_MEDIA_AUDIO_ENGINE_AUTO, (const char *const *) m->video_codecs };

  if (m->video_size != NULL)
    sscanf (m->video_size, "%ux%u", &mo.video_width, &mo.video_height);
  if (g_strcmp0 (m->media_engine, "gstreamer") == 0)
    mo.audio_engine = JA_MEDIA_AUDIO_ENGINE_GSTREAMER;
  else if (g_strcmp0 (m->media_engine, "native") == 0)
    mo.audio_engine = JA_MEDIA_AUDIO_ENGINE_NATIVE;
  JaIceConfig cfg = { 0 };
  g_autoptr (GPtrArray) turns = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_turn_server_free);
  g_autofree char *stun_host = NULL;
  g_autofree char *cert_path = NULL;
  g_autoptr (JaDtlsCert) cert = NULL;
  guint16 port = 0;

  ja_rtp_app_set_media_options (stream, &mo);
  cfg.host_candidates = !m->relay_only;
  cfg.relay_only = m->relay_only;
  cfg.allow_loopback = m->loopback || m->ice_addresses != NULL;
  cfg.local_addresses = (const char *const *) m->ice_addresses;
  if (m->stun != NULL) {
    if (!ja_config_parse_server (m->stun, &stun_host, &port, error))
      return FALSE;
    cfg.stun_host = stun_host;
    cfg.stun_port = port != 0 ? port : 3478;
  }
  if (m->turn != NULL) {
    g_autofree char *host = NULL;
    JaIceTurnTransport t;

    if (!ja_config_parse_server (m->turn, &host, &port, error))
      return FALSE;
    t = turn_transport_of (m->turn_transport);
    add_turn (m, turns, host, port != 0 ? port : t == JA_ICE_TURN_TLS ? 5349
        : 3478, t, m->turn_user, m->turn_password);
  }
  for (guint i = 0; !m->no_services && info != NULL && info->services != NULL
      && i < info->services->len; i++) {
    const JaExtService *s = g_ptr_array_index (info->services, i);
    gboolean turns_ = g_strcmp0 (s->type, "turns") == 0;
    const JaExtService *cred = NULL;

    if (g_strcmp0 (s->type, "stun") == 0 && cfg.stun_host == NULL) {
      g_free (stun_host);
      stun_host = g_strdup (s->host);
      cfg.stun_host = stun_host;
      cfg.stun_port = s->port != 0 ? s->port : 3478;
    } else if ((g_strcmp0 (s->type, "turn") == 0 || turns_)
        && (cred = credentials_for (info, s)) != NULL) {
      add_turn (m, turns, s->host,
          s->port != 0 ? s->port : turns_ ? 5349 : 3478,
          turns_ ? JA_ICE_TURN_TLS : turn_transport_of (s->transport),
          cred->username, cred->password);
    }
  }
  cfg.turn_servers = turns;
  if (m->relay_only && turns->len == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--relay-only needs a TURN server (--turn, or the server's XEP-0215 "
        "services)");
    return FALSE;
  }
  cert_path = m->dtls_cert != NULL ? g_strdup (m->dtls_cert)
      : g_build_filename (g_get_user_data_dir (), "jingle-agent", "dtls.pem",
          NULL);
  cert = ja_dtls_cert_load_or_create (cert_path, error);
  if (cert == NULL)
    return FALSE;
  ja_ice_udp_transport_set_options (stream, cert, &cfg);
  return TRUE;
}

/* ---- watching a call ---------------------------------------------------- */

typedef struct {
  JaCli *cli;
  JaCliMedia *m;
  JaCall *call;                /* unowned: the caller holds it */
  guint stats_id;
  guint hold_id;
  guint mute_id;
  guint add_video_id;
  guint remove_video_id;
  guint ice_restart_id;
  gboolean held;
  gboolean muted;
  gint64 t_connected;
  /* Is audio going out and coming in? (flow_cb, twice a second) */
  guint flow_id;
  struct {
    guint64 packets;           /* the counter last time */
    gint64 moved;              /* µs: when it last moved (or was expected
                                * to start moving) */
    gboolean stalled;          /* said so */
  } flow[2];                   /* FLOW_SEND, FLOW_RECEIVE */
  gboolean peer_held;          /* the peer's session-info */
  gboolean peer_muted;
} Watch;

enum { FLOW_SEND, FLOW_RECEIVE };
/* No audio packet for this long, in a direction that should carry them:
 * said once (a "media-flow" event), and again when they come back. */
#define FLOW_STALL_US (3 * G_USEC_PER_SEC)

static void
watch_free (gpointer data, GClosure *closure)
{
  Watch *w = data;

  g_clear_handle_id (&w->stats_id, g_source_remove);
  g_clear_handle_id (&w->flow_id, g_source_remove);
  g_clear_handle_id (&w->hold_id, g_source_remove);
  g_clear_handle_id (&w->mute_id, g_source_remove);
  g_clear_handle_id (&w->add_video_id, g_source_remove);
  g_clear_handle_id (&w->remove_video_id, g_source_remove);
  g_clear_handle_id (&w->ice_restart_id, g_source_remove);
  g_free (w);
}

static void
say_line (JaCli *cli, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
say_line (JaCli *cli, const char *fmt, ...)
{
  va_list ap;

  if (cli->json)
    return;
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
}

static gboolean hold_cb (gpointer user_data);
static gboolean mute_cb (gpointer user_data);
static gboolean add_video_cb (gpointer user_data);
static gboolean remove_video_cb (gpointer user_data);
static gboolean ice_restart_cb (gpointer user_data);

static void
ringing_cb (JaCall *call, const char *peer, gpointer user_data)
{
  Watch *w = user_data;

  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("ringing");

    ja_json_event_add_string (ev, "peer", peer);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: ringing at %s", peer);
  }
}

static gboolean
stats_cb (gpointer user_data)
{
  Watch *w = user_data;
  JaMediaAudioStats st;
  JaIceUdpInfo info;
  double secs = (g_get_monotonic_time () - w->t_connected) / 1e6;

  if (!ja_call_get_media_stats (w->call, &st))
    return G_SOURCE_CONTINUE;
  ja_call_get_transport_info (w->call, &info);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("stats");

    ja_json_event_add_double (ev, "seconds", secs);
    ja_json_event_add_int (ev, "packets_sent", (gint64) st.packets_sent);
    ja_json_event_add_int (ev, "packets_received",
        (gint64) st.packets_received);
    ja_json_event_add_int (ev, "packets_lost", st.packets_lost);
    ja_json_event_add_double (ev, "send_kbps", st.send_kbps);
    ja_json_event_add_double (ev, "recv_kbps", st.recv_kbps);
    ja_json_event_add_int (ev, "srtp_auth_failures",
        (gint64) info.srtp.auth_failures);
    ja_json_event_add_int (ev, "srtp_replays", (gint64) info.srtp.replays);
    ja_json_event_add_bool (ev, "media_thread", info.media_thread);
    ja_json_event_emit (ev);
  } else {
    double loss = st.packets_received + MAX (st.packets_lost, 0) > 0
        ? 100.0 * MAX (st.packets_lost, 0)
          / (double) (st.packets_received + MAX (st.packets_lost, 0)) : 0;

    say_line (w->cli, "stats: %.0f s, sent %.1f kbit/s (%" G_GUINT64_FORMAT
        " packets), received %.1f kbit/s (%" G_GUINT64_FORMAT " packets), "
        "lost %" G_GINT64_FORMAT " (%.1f%%)", secs, st.send_kbps,
        st.packets_sent, st.recv_kbps, st.packets_received,
        MAX (st.packets_lost, 0), loss);
  }
  ja_ice_udp_info_clear (&info);
  if (ja_call_has_video (w->call)) {
    JaMediaVideoStats vs;

    ja_call_get_video_stats (w->call, &vs);
    if (w->cli->json) {
      JaJsonEvent *ev = ja_json_event_new ("video-stats");
      const char *codec = ja_call_get_video_codec (w->call);

      if (codec != NULL)
        ja_json_event_add_string (ev, "codec", codec);

      ja_json_event_add_int (ev, "frames_decoded", (gint64) vs.frames_decoded);
      ja_json_event_add_double (ev, "fps", vs.decode_fps);
      ja_json_event_add_int (ev, "width", vs.width);
      ja_json_event_add_int (ev, "height", vs.height);
      ja_json_event_add_int (ev, "keyframes_received",
          (gint64) vs.keyframes_received);
      ja_json_event_add_int (ev, "nacks_sent", (gint64) vs.nacks_sent);
      ja_json_event_add_int (ev, "plis_sent", (gint64) vs.plis_sent);
      ja_json_event_add_int (ev, "rtx_received", (gint64) vs.rtx_received);
      ja_json_event_add_int (ev, "packets_lost", vs.packets_lost);
      ja_json_event_add_double (ev, "recv_kbps", vs.recv_kbps);
      ja_json_event_add_double (ev, "send_kbps", vs.send_kbps);
      ja_json_event_add_int (ev, "target_kbps", vs.target_kbps);
      ja_json_event_emit (ev);
    } else {
      say_line (w->cli, "video (%s): %ux%u at %.1f fps, %" G_GUINT64_FORMAT
          " frames, %.0f kbit/s, %" G_GUINT64_FORMAT " keyframes, %"
          G_GUINT64_FORMAT " NACKs, %" G_GUINT64_FORMAT " PLIs, %"
          G_GUINT64_FORMAT " retransmissions",
          ja_call_get_video_codec (w->call) ?: "?", vs.width, vs.height,
          vs.decode_fps, vs.frames_decoded, vs.recv_kbps,
          vs.keyframes_received, vs.nacks_sent, vs.plis_sent,
          vs.rtx_received);
    }
    if (w->m->snapshot != NULL && vs.frames_decoded > 0) {
      g_autoptr (GError) error = NULL;

      if (!ja_call_save_frame_png (w->call, w->m->snapshot, &error))
        fprintf (stderr, "jingle-agent: --snapshot: %s\n", error->message);
    }
  }
  return G_SOURCE_CONTINUE;
}

static void
say_flow (Watch *w, int dir, gboolean flowing, double gap)
{
  static const char *const names[] = { "send", "receive" };

  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("media-flow");

    ja_json_event_add_string (ev, "direction", names[dir]);
    ja_json_event_add_bool (ev, "flowing", flowing);
    ja_json_event_add_double (ev, "seconds", gap);
    ja_json_event_emit (ev);
  } else if (flowing) {
    say_line (w->cli, "call: audio %s again after %.1f s",
        dir == FLOW_SEND ? "sent" : "received", gap);
  } else if (dir == FLOW_SEND) {
    say_line (w->cli, "call: no audio sent for %.1f s (the source gives "
        "nothing)", gap);
  } else {
    say_line (w->cli, "call: no audio received for %.1f s", gap);
  }
}

/* One direction: say when its packets stop while they should flow
 * (`expected`), and when they come back. */
static void
flow_check (Watch *w, int dir, gboolean expected, guint64 packets,
    gint64 now)
{
  gboolean moved = packets != w->flow[dir].packets;
  double gap = (now - w->flow[dir].moved) / 1e6;

  w->flow[dir].packets = packets;
  if (moved && w->flow[dir].stalled) {
    w->flow[dir].stalled = FALSE;
    say_flow (w, dir, TRUE, gap);
  }
  if (moved || !expected) {
    /* Not expected (either side holds, the peer muted, or the content's
     * senders exclude this way): the wait starts again when it is. */
    w->flow[dir].moved = now;
    return;
  }
  if (w->flow[dir].stalled || now - w->flow[dir].moved < FLOW_STALL_US)
    return;
  w->flow[dir].stalled = TRUE;
  say_flow (w, dir, FALSE, gap);
}

static gboolean
flow_cb (gpointer user_data)
{
  Watch *w = user_data;
  JaMediaAudioStats st;
  gboolean send, receive;
  gint64 now = g_get_monotonic_time ();

  if (!ja_call_get_media_stats (w->call, &st))
    return G_SOURCE_CONTINUE;
  ja_call_get_audio_directions (w->call, &send, &receive);
  flow_check (w, FLOW_SEND, send, st.packets_sent, now);
  /* A peer that holds or mutes may stop sending; one we hold too
   * (XEP-0167 §7.2: we are not listening). */
  flow_check (w, FLOW_RECEIVE, receive && !w->peer_held && !w->peer_muted
      && !w->held, st.packets_received, now);
  return G_SOURCE_CONTINUE;
}

/* ---- test hook: a peer's malformed requests mid-call --------------------
 * JINGLE_AGENT_TEST_INJECT=FILE: one second after the call connected, each
 * non-empty line of FILE (a <jingle/> element in urn:xmpp:jingle:1, with
 * {sid}, {initiator} and {responder} replaced by the call's) goes to the
 * peer in an <iq type='set' id='inject-N'/>, one after the answer to the
 * other; each answer is an "injected" event (line, type, condition) or a
 * line. For tests of how a peer (normally our own `answer`) meets requests
 * it must refuse while the call goes on. */
typedef struct {
  JaCli *cli;
  JaCall *call;                 /* a reference */
  char **lines;
  guint next;
} Inject;

static void inject_next (Inject *in);

static void
inject_free (Inject *in)
{
  g_object_unref (in->call);
  g_strfreev (in->lines);
  g_free (in);
}

static void
inject_answer_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Inject *in = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) result = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, &error);
  const char *condition = error == NULL ? NULL
      : error->domain == JA_XMPP_ERROR
      ? ja_xmpp_error_condition_to_string (error->code) : error->message;

  if (in->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("injected");

    ja_json_event_add_int (ev, "line", in->next);
    ja_json_event_add_string (ev, "type", error == NULL ? "result" : "error");
    ja_json_event_add_string (ev, "condition", condition);
    ja_json_event_emit (ev);
  } else {
    say_line (in->cli, "call: injected line %u: %s%s%s", in->next,
        error == NULL ? "result" : "error", condition ? " " : "",
        condition ? condition : "");
  }
  inject_next (in);
}

static void
inject_next (Inject *in)
{
  JaJingleSession *session = ja_call_get_session (in->call);
  const char *own, *peer;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = NULL;
  g_autofree char *id = NULL;
  JaXmlNode *jingle, *iq;

  while (in->lines[in->next] != NULL
         && g_strstrip (in->lines[in->next])[0] == '\0')
    in->next++;
  if (in->lines[in->next] == NULL || session == NULL
      || ja_call_is_ended (in->call)) {
    inject_free (in);
    return;
  }
  own = ja_xmpp_stream_get_bound_jid (ja_call_get_stream (in->call));
  peer = ja_jingle_session_get_peer (session);
  text = g_string_new (in->lines[in->next]);
  g_string_replace (text, "{sid}", ja_jingle_session_get_sid (session), 0);
  g_string_replace (text, "{initiator}",
      ja_call_is_outgoing (in->call) ? own : peer, 0);
  g_string_replace (text, "{responder}",
      ja_call_is_outgoing (in->call) ? peer : own, 0);
  in->next++;
  jingle = ja_xml_node_parse (text->str, text->len, &error);
  if (jingle == NULL) {
    g_printerr ("JINGLE_AGENT_TEST_INJECT line %u: %s\n", in->next,
        error->message);
    inject_next (in);
    return;
  }
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  id = g_strdup_printf ("inject-%u", in->next);
  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", peer);
  ja_xml_node_set_attr (iq, "id", id);
  ja_xml_node_add_child (iq, jingle);
  ja_xmpp_stream_iq_async (ja_call_get_stream (in->call), iq, NULL,
      inject_answer_cb, in);
}

static gboolean
inject_start_cb (gpointer user_data)
{
  inject_next (user_data);
  return G_SOURCE_REMOVE;
}

static void
inject_start (Watch *w, const char *path)
{
  Inject *in;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error)) {
    g_printerr ("JINGLE_AGENT_TEST_INJECT: %s\n", error->message);
    return;
  }
  in = g_new0 (Inject, 1);
  in->cli = w->cli;
  in->call = g_object_ref (w->call);
  in->lines = g_strsplit (contents, "\n", -1);
  g_timeout_add_seconds (1, inject_start_cb, in);
}

static void
connected_cb (JaCall *call, gpointer user_data)
{
  Watch *w = user_data;
  JaJingleSession *session = ja_call_get_session (call);
  JaCallTimes t;
  JaIceUdpInfo info;

  w->t_connected = g_get_monotonic_time ();
  {
    JaMediaAudioStats prime;   /* starts the first rate interval */

    ja_call_get_media_stats (call, &prime);
  }
  ja_call_get_times (call, &t);
  ja_call_get_transport_info (call, &info);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("connected");

    ja_json_event_add_string (ev, "peer", ja_call_get_peer (call));
    ja_json_event_add_string (ev, "sid", session != NULL
        ? ja_jingle_session_get_sid (session) : NULL);
    ja_json_event_add_bool (ev, "jmi", ja_call_used_jmi (call));
    ja_json_event_add_int (ev, "setup_ms", t.setup_ms);
    ja_json_event_add_int (ev, "signalling_ms", t.signalling_ms);
    ja_json_event_add_int (ev, "ice_ms", t.ice_ms);
    ja_json_event_add_int (ev, "dtls_ms", t.dtls_ms);
    ja_json_event_add_int (ev, "accept_to_secure_ms", t.accept_to_secure_ms);
    ja_json_event_add_string (ev, "local_candidate", info.local_candidate);
    ja_json_event_add_string (ev, "remote_candidate", info.remote_candidate);
    ja_json_event_add_string (ev, "candidate_type", info.local_type);
    ja_json_event_add_string (ev, "srtp_profile", info.srtp_profile);
    ja_json_event_add_string (ev, "dtls_role", info.dtls_role);
    ja_json_event_add_string (ev, "codec", ja_call_get_codec (call));
    ja_json_event_add_string (ev, "audio_engine",
        ja_call_get_audio_engine (call));
    ja_json_event_add_int (ev, "bundle_size", info.bundle_size);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: connected to %s in %u ms (signalling %u ms, "
        "ICE %u ms, DTLS %u ms; session-accept to SRTP %u ms)",
        ja_call_get_peer (call), t.setup_ms, t.signalling_ms, t.ice_ms,
        t.dtls_ms, t.accept_to_secure_ms);
    say_line (w->cli, "call: pair %s <-> %s", info.local_candidate
        ? info.local_candidate : "?", info.remote_candidate
        ? info.remote_candidate : "?");
    say_line (w->cli, "call: %s (DTLS %s), codec %s%s%s", info.srtp_profile
        ? info.srtp_profile : "?", info.dtls_role ? info.dtls_role : "?",
        ja_call_get_codec (call) ? ja_call_get_codec (call) : "?",
        ja_call_get_audio_engine (call) ? ", audio engine " : "",
        ja_call_get_audio_engine (call) ? ja_call_get_audio_engine (call)
        : "");
  }
  ja_ice_udp_info_clear (&info);
  if (w->m->stats_interval > 0)
    w->stats_id = g_timeout_add_seconds ((guint) w->m->stats_interval,
        stats_cb, w);
  w->flow[FLOW_SEND].moved = w->flow[FLOW_RECEIVE].moved = w->t_connected;
  w->flow_id = g_timeout_add (500, flow_cb, w);
  if (w->m->hold_after > 0)
    w->hold_id = g_timeout_add_seconds ((guint) w->m->hold_after, hold_cb, w);
  if (w->m->mute_after > 0)
    w->mute_id = g_timeout_add_seconds ((guint) w->m->mute_after, mute_cb, w);
  if (w->m->add_video_after > 0)
    w->add_video_id = g_timeout_add_seconds ((guint) w->m->add_video_after,
        add_video_cb, w);
  if (w->m->remove_video_after > 0)
    w->remove_video_id = g_timeout_add_seconds (
        (guint) w->m->remove_video_after, remove_video_cb, w);
  if (g_getenv ("JINGLE_AGENT_TEST_INJECT") != NULL)
    inject_start (w, g_getenv ("JINGLE_AGENT_TEST_INJECT"));
  if (w->m->ice_restart_after > 0)
    w->ice_restart_id = g_timeout_add_seconds (
        (guint) w->m->ice_restart_after, ice_restart_cb, w);
}

static void
say_local_info (Watch *w, const char *what)
{
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("info-sent");

    ja_json_event_add_string (ev, "what", what);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: %s", what);
  }
}

/* One step of --hold-after / --mute-after: on, then off after FOR s. */
static gboolean
toggle (Watch *w, guint *id, gboolean *state,
    gboolean (*set) (JaCall *, gboolean, GError **), const char *on,
    const char *off, int for_s, GSourceFunc again)
{
  g_autoptr (GError) error = NULL;

  *id = 0;
  *state = !*state;
  if (!set (w->call, *state, &error)) {
    fprintf (stderr, "jingle-agent: %s: %s\n", on, error->message);
    return G_SOURCE_REMOVE;
  }
  say_local_info (w, *state ? on : off);
  if (*state)
    *id = g_timeout_add_seconds ((guint) MAX (for_s, 1), again, w);
  return G_SOURCE_REMOVE;
}

static gboolean
hold_cb (gpointer user_data)
{
  Watch *w = user_data;

  return toggle (w, &w->hold_id, &w->held, ja_call_set_held, "hold",
      "unhold", w->m->hold_for, hold_cb);
}

static gboolean
mute_cb (gpointer user_data)
{
  Watch *w = user_data;

  return toggle (w, &w->mute_id, &w->muted, ja_call_set_muted, "mute",
      "unmute", w->m->mute_for, mute_cb);
}

static gboolean
add_video_cb (gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr (GError) error = NULL;

  w->add_video_id = 0;
  if (!ja_call_add_video (w->call, &error))
    fprintf (stderr, "jingle-agent: --add-video-after: %s\n", error->message);
  return G_SOURCE_REMOVE;
}

static gboolean
remove_video_cb (gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr (GError) error = NULL;

  w->remove_video_id = 0;
  if (!ja_call_remove_video (w->call, &error))
    fprintf (stderr, "jingle-agent: --remove-video-after: %s\n",
        error->message);
  return G_SOURCE_REMOVE;
}

static gboolean
ice_restart_cb (gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr (GError) error = NULL;

  w->ice_restart_id = 0;
  if (!ja_call_restart_ice (w->call, &error))
    fprintf (stderr, "jingle-agent: --ice-restart-after: %s\n",
        error->message);
  return G_SOURCE_REMOVE;
}

static void
ice_restarted_cb (JaCall *call, gboolean by_peer, gboolean automatic,
    gpointer user_data)
{
  Watch *w = user_data;

  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("ice-restart");

    ja_json_event_add_string (ev, "by", by_peer ? "remote" : "local");
    ja_json_event_add_bool (ev, "automatic", automatic);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: ICE restart by %s%s", by_peer ? "the peer" : "us",
        automatic ? " (connectivity lost)" : "");
  }
}

static void
pair_changed_cb (JaCall *call, const char *local, const char *remote,
    gpointer user_data)
{
  Watch *w = user_data;
  JaIceUdpInfo info;

  ja_call_get_transport_info (call, &info);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("pair");

    ja_json_event_add_string (ev, "local_candidate", local);
    ja_json_event_add_string (ev, "remote_candidate", remote);
    ja_json_event_add_string (ev, "candidate_type", info.local_type);
    ja_json_event_add_int (ev, "ice_restarts", info.ice_restarts);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: pair %s <-> %s", local, remote);
  }
  ja_ice_udp_info_clear (&info);
}

static void
video_changed_cb (JaCall *call, gboolean present, gboolean by_peer,
    gpointer user_data)
{
  Watch *w = user_data;
  const char *what = present ? "video-added" : "video-removed";

  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new (what);

    ja_json_event_add_bool (ev, "by_peer", by_peer);
    if (present)
      ja_json_event_add_bool (ev, "bundled", ja_call_video_is_bundled (call));
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: video %s by %s%s", present ? "added" : "removed",
        by_peer ? "the peer" : "us", present && ja_call_video_is_bundled (call)
        ? " (bundled with the audio)" : "");
  }
}

static void
peer_info_cb (JaCall *call, const char *what, gpointer user_data)
{
  Watch *w = user_data;

  /* XEP-0167 §7: <active/> ends both hold and mute. */
  if (g_str_equal (what, "hold") || g_str_equal (what, "unhold"))
    w->peer_held = g_str_equal (what, "hold");
  else if (g_str_equal (what, "mute") || g_str_equal (what, "unmute"))
    w->peer_muted = g_str_equal (what, "mute");
  else if (g_str_equal (what, "active"))
    w->peer_held = w->peer_muted = FALSE;

  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("peer-info");

    ja_json_event_add_string (ev, "what", what);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: the peer says %s", what);
  }
}

static void
first_media_cb (JaCall *call, gpointer user_data)
{
  Watch *w = user_data;
  JaCallTimes t;

  ja_call_get_times (call, &t);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("first-media");

    ja_json_event_add_int (ev, "ms", t.first_media_ms);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: first audio %u ms after the initiate",
        t.first_media_ms);
  }
}

static void
dtmf_cb (JaCall *call, gchar digit, guint ms, gpointer user_data)
{
  Watch *w = user_data;

  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("dtmf");
    char d[2] = { digit, '\0' };

    ja_json_event_add_string (ev, "digit", d);
    ja_json_event_add_int (ev, "duration_ms", ms);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "dtmf: %c (%u ms)", digit, ms);
  }
}

int
ja_cli_call_exit_code (JaCall *call)
{
  gboolean by_peer;
  guint reason = ja_call_get_end_reason (call, NULL, &by_peer);

  switch ((JaJingleReason) reason) {
  case JA_JINGLE_REASON_SUCCESS:
  case JA_JINGLE_REASON_GONE:
  case JA_JINGLE_REASON_CANCEL:
    if (ja_call_is_connected (call))
      return JA_EXIT_OK;
    return reason == JA_JINGLE_REASON_CANCEL && !by_peer ? JA_EXIT_FAILURE
        : JA_EXIT_DECLINED;
  case JA_JINGLE_REASON_DECLINE:
  case JA_JINGLE_REASON_BUSY:
  case JA_JINGLE_REASON_TIMEOUT:
  case JA_JINGLE_REASON_EXPIRED:
  case JA_JINGLE_REASON_ALTERNATIVE_SESSION:
    return JA_EXIT_DECLINED;
  case JA_JINGLE_REASON_CONNECTIVITY_ERROR:
  case JA_JINGLE_REASON_SECURITY_ERROR:
  case JA_JINGLE_REASON_FAILED_TRANSPORT:
  case JA_JINGLE_REASON_MEDIA_ERROR:
  case JA_JINGLE_REASON_FAILED_APPLICATION:
  case JA_JINGLE_REASON_INCOMPATIBLE_PARAMETERS:
  case JA_JINGLE_REASON_UNSUPPORTED_APPLICATIONS:
  case JA_JINGLE_REASON_UNSUPPORTED_TRANSPORTS:
    return JA_EXIT_MEDIA;
  default:
    return JA_EXIT_FAILURE;
  }
}

static void
ended_cb (JaCall *call, guint reason, const char *text, gboolean by_peer,
    gpointer user_data)
{
  Watch *w = user_data;
  JaMediaAudioStats st;
  double secs = w->t_connected != 0
      ? (g_get_monotonic_time () - w->t_connected) / 1e6 : 0;
  int code = ja_cli_call_exit_code (call);

  g_clear_handle_id (&w->stats_id, g_source_remove);
  g_clear_handle_id (&w->flow_id, g_source_remove);
  g_clear_handle_id (&w->hold_id, g_source_remove);
  g_clear_handle_id (&w->mute_id, g_source_remove);
  g_clear_handle_id (&w->add_video_id, g_source_remove);
  g_clear_handle_id (&w->remove_video_id, g_source_remove);
  g_clear_handle_id (&w->ice_restart_id, g_source_remove);
  ja_call_get_media_stats (call, &st);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("ended");

    ja_json_event_add_string (ev, "peer", ja_call_get_peer (call));
    ja_json_event_add_string (ev, "reason", ja_jingle_reason_to_string (
            reason));
    if (text != NULL)
      ja_json_event_add_string (ev, "text", text);
    ja_json_event_add_bool (ev, "by_peer", by_peer);
    ja_json_event_add_bool (ev, "connected", ja_call_is_connected (call));
    ja_json_event_add_double (ev, "seconds", secs);
    ja_json_event_add_int (ev, "packets_sent", (gint64) st.packets_sent);
    ja_json_event_add_int (ev, "packets_received",
        (gint64) st.packets_received);
    ja_json_event_add_int (ev, "packets_lost", st.packets_lost);
    if (ja_call_has_video (call)) {
      JaMediaVideoStats vs;

      /* The whole call's video, for scripts that ask for no stats lines
       * (--stats-interval 0): did the picture come through at all? */
      ja_call_get_video_stats (call, &vs);
      ja_json_event_add_int (ev, "video_frames_decoded",
          (gint64) vs.frames_decoded);
      ja_json_event_add_int (ev, "video_keyframes_received",
          (gint64) vs.keyframes_received);
    }
    ja_json_event_add_int (ev, "exit_code", code);
    ja_json_event_emit (ev);
  } else {
    say_line (w->cli, "call: ended (%s%s%s) by %s after %.1f s connected",
        ja_jingle_reason_to_string (reason), text ? ": " : "",
        text ? text : "", by_peer ? "the peer" : "us", secs);
  }
  if (code != JA_EXIT_OK)
    fprintf (stderr, "jingle-agent: call with %s: %s%s%s\n",
        ja_call_get_peer (call), ja_jingle_reason_to_string (reason),
        text ? ": " : "", text ? text : "");
}

void
ja_cli_watch_call (JaCli *cli, JaCliMedia *m, JaCall *call)
{
  Watch *w = g_new0 (Watch, 1);

  w->cli = cli;
  w->m = m;
  w->call = call;
  g_signal_connect_data (call, "ended", G_CALLBACK (ended_cb), w,
      watch_free, 0);
  g_signal_connect (call, "ringing", G_CALLBACK (ringing_cb), w);
  g_signal_connect (call, "connected", G_CALLBACK (connected_cb), w);
  g_signal_connect (call, "first-media", G_CALLBACK (first_media_cb), w);
  g_signal_connect (call, "dtmf", G_CALLBACK (dtmf_cb), w);
  g_signal_connect (call, "peer-info", G_CALLBACK (peer_info_cb), w);
  g_signal_connect (call, "video-changed", G_CALLBACK (video_changed_cb), w);
  g_signal_connect (call, "ice-restart", G_CALLBACK (ice_restarted_cb), w);
  g_signal_connect (call, "pair-changed", G_CALLBACK (pair_changed_cb), w);
}
