/* rtp-app.c — the XEP-0167 application kind (see rtp-app.h): a const
 * vtable over RtpApp, plus the JaRtpStream object the agent watches. The
 * offer/answer is pure (rtp-negotiate.c); this file turns the negotiated
 * payload types into a JaMediaAudio configuration and wires its packets to
 * the content's datagram channel. */
#include "plugins/rtp/rtp-app.h"

#include <string.h>

#include "plugins/rtp/rtp-description.h"
#include "plugins/rtp/rtp-info.h"
#include "media/media-video.h"
#include "media/rtp-hdrext.h"
#include "plugins/rtp/rtp-negotiate.h"
#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-error.h"
#include "signalling/jingle/jingle-session.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

#define OPTIONS_KEY "ja-rtp-media-options"
#define NS_RTP_INFO JA_NS_JINGLE_RTP_INFO

typedef struct {
  char *source;
  char *sink;
  char *record_path;
  char **codecs;               /* nullable: only these, in this order */
  char *video_source;
  char *video_sink;
  char *record_video_path;
  guint video_width, video_height, video_fps, video_kbps;
  char **video_codecs;         /* nullable: only these, in this order */
  guint counter;               /* for %n in record_path */
  int audio_engine;            /* JaMediaAudioEngine */
} Options;

struct _JaRtpStream {
  GObject parent;
  JaJingleContent *content;    /* unowned; NULL once the app is freed */
  JaMediaAudio *audio;
  JaMediaVideo *video;
  gboolean is_video;
  JaMediaVideoStats final_video;
  JaJingleChannel *channel;
  char *codec;
  gint64 t_start;
  guint first_media_ms;
  gboolean started;
  gboolean have_final;
  JaMediaAudioStats final;     /* the counters when the pipeline stopped */
  char *failure;               /* why the offer cannot be answered */
  gboolean muted;
  gboolean held;
  GBytes *early;               /* the latest RTP packet before the channel */
  guint8 pts[128];             /* the payload types negotiated (BUNDLE demux) */
  gboolean have_pts;
  /* The native audio engine: packets go out from its media thread and,
   * after the first one arrived, come in there too (one poll per tick
   * for every call instead of a main-loop wake-up per packet). */
  gboolean want_media_thread;  /* until the first packet asked for it */
  guint media_thread_id;       /* idle: move receiving there */
  GMutex send_lock;            /* channel and early, with a direct sender */
};

G_DEFINE_FINAL_TYPE (JaRtpStream, ja_rtp_stream, G_TYPE_OBJECT)

enum {
  SIG_STARTED, SIG_FIRST_MEDIA, SIG_DTMF, SIG_INFO, SIG_MEDIA_ERROR,
  SIG_SOURCE_ENDED, N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct {
  JaJingleApp parent;
  JaRtpDescription *local;     /* our offer, or our answer */
  JaRtpDescription *remote;    /* the peer's offer, or its answer */
  JaRtpStream *stream;         /* owned */
  guint prepare_id;            /* the idle that starts the pipeline */
} RtpApp;

/* ---- options ------------------------------------------------------------ */

static void
options_free (gpointer data)
{
  Options *o = data;

  g_free (o->source);
  g_free (o->sink);
  g_free (o->record_path);
  g_strfreev (o->codecs);
  g_free (o->video_source);
  g_free (o->video_sink);
  g_free (o->record_video_path);
  g_strfreev (o->video_codecs);
  g_free (o);
}

void
ja_rtp_app_set_media_options (JaXmppStream *stream,
    const JaRtpMediaOptions *options)
{
  Options *o = g_new0 (Options, 1);

  o->source = g_strdup (options->source);
  o->sink = g_strdup (options->sink);
  o->record_path = g_strdup (options->record_path);
  o->codecs = g_strdupv ((char **) options->codecs);
  o->video_source = g_strdup (options->video_source);
  o->video_sink = g_strdup (options->video_sink);
  o->record_video_path = g_strdup (options->record_video_path);
  o->video_width = options->video_width;
  o->video_height = options->video_height;
  o->video_fps = options->video_fps;
  o->video_kbps = options->video_kbps;
  o->audio_engine = options->audio_engine;
  o->video_codecs = g_strdupv ((char **) options->video_codecs);
  g_object_set_data_full (G_OBJECT (stream), OPTIONS_KEY, o, options_free);
}

static Options *
content_options (JaJingleContent *c)
{
  JaJingleSignalling *sig = ja_jingle_content_get_signalling (c);
  JaXmppStream *stream = sig != NULL ? ja_jingle_signalling_get_stream (sig)
      : NULL;

  return stream != NULL ? g_object_get_data (G_OBJECT (stream), OPTIONS_KEY)
      : NULL;
}

/* record_path with "%n" replaced by the call counter. (transfer full) */
static char *
record_path_for (Options *o)
{
  g_autofree char *n = NULL;
  g_auto (GStrv) parts = NULL;

  if (o == NULL || o->record_path == NULL)
    return NULL;
  if (strstr (o->record_path, "%n") == NULL)
    return g_strdup (o->record_path);
  n = g_strdup_printf ("%u", ++o->counter);
  parts = g_strsplit (o->record_path, "%n", -1);
  return g_strjoinv (n, parts);
}

/* ---- JaRtpStream -------------------------------------------------------- */

/* Before the engines go: nothing of ours runs on the media thread after
 * this (its receive func reads self->audio). */
static void
stream_leave_media_thread (JaRtpStream *self)
{
  g_clear_handle_id (&self->media_thread_id, g_source_remove);
  if (self->channel != NULL)
    ja_jingle_channel_set_media_thread (self->channel, NULL);
}

static void
ja_rtp_stream_dispose (GObject *object)
{
  JaRtpStream *self = JA_RTP_STREAM (object);

  stream_leave_media_thread (self);
  g_clear_pointer (&self->audio, ja_media_audio_free);
  g_clear_pointer (&self->video, ja_media_video_free);
  g_clear_pointer (&self->channel, ja_jingle_channel_unref);
  G_OBJECT_CLASS (ja_rtp_stream_parent_class)->dispose (object);
}

static void
ja_rtp_stream_finalize (GObject *object)
{
  JaRtpStream *self = JA_RTP_STREAM (object);

  g_free (self->codec);
  g_free (self->failure);
  g_clear_pointer (&self->early, g_bytes_unref);
  g_mutex_clear (&self->send_lock);
  G_OBJECT_CLASS (ja_rtp_stream_parent_class)->finalize (object);
}

static void
ja_rtp_stream_class_init (JaRtpStreamClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);

  oc->dispose = ja_rtp_stream_dispose;
  oc->finalize = ja_rtp_stream_finalize;
  signals[SIG_STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIG_FIRST_MEDIA] = g_signal_new ("first-media",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
  signals[SIG_DTMF] = g_signal_new ("dtmf", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_CHAR,
      G_TYPE_UINT);
  signals[SIG_INFO] = g_signal_new ("info", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_MEDIA_ERROR] = g_signal_new ("media-error",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_SOURCE_ENDED] = g_signal_new ("source-ended",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
}

static void
ja_rtp_stream_init (JaRtpStream *self)
{
  g_mutex_init (&self->send_lock);
}

const char *
ja_rtp_stream_get_codec (JaRtpStream *self)
{
  return self->codec;
}

const char *
ja_rtp_stream_get_audio_engine (JaRtpStream *self)
{
  if (self->audio == NULL)
    return NULL;
  return ja_media_audio_is_native (self->audio) ? "native" : "gstreamer";
}

gboolean
ja_rtp_stream_get_audio_stats (JaRtpStream *self, JaMediaAudioStats *stats)
{
  memset (stats, 0, sizeof *stats);
  if (self->audio == NULL) {
    if (self->have_final)
      *stats = self->final;
    return self->have_final;
  }
  ja_media_audio_get_stats (self->audio, stats);
  return TRUE;
}

gboolean
ja_rtp_stream_send_dtmf (JaRtpStream *self, const char *digits,
    GError **error)
{
  if (self->audio == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "no media yet");
    return FALSE;
  }
  return ja_media_audio_send_dtmf (self->audio, digits, error);
}

guint
ja_rtp_stream_get_first_media_ms (JaRtpStream *self)
{
  return self->first_media_ms;
}

gboolean
ja_rtp_stream_is_started (JaRtpStream *self)
{
  return self->started;
}

JaJingleContent *
ja_rtp_stream_get_content (JaRtpStream *self)
{
  return self->content;
}

static gboolean
send_info (JaRtpStream *self, JaRtpInfo *info, GError **error)
{
  JaJingleContent *c = self->content;

  if (c == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "the call has ended");
    return FALSE;
  }
  return ja_jingle_session_send_info (ja_jingle_content_get_session (c),
      ja_rtp_info_build (info), error);
}

gboolean
ja_rtp_stream_set_muted (JaRtpStream *self, gboolean muted, GError **error)
{
  g_autoptr (JaRtpInfo) info = ja_rtp_info_new (muted ? JA_RTP_INFO_MUTE
      : JA_RTP_INFO_UNMUTE);

  if (self->content != NULL) {
    info->creator = ja_jingle_content_get_creator (self->content);
    info->name = g_strdup (ja_jingle_content_get_name (self->content));
  }
  if (self->audio != NULL)
    ja_media_audio_set_muted (self->audio, muted || self->held);
  self->muted = muted;
  return send_info (self, info, error);
}

gboolean
ja_rtp_stream_set_held (JaRtpStream *self, gboolean held, GError **error)
{
  g_autoptr (JaRtpInfo) info = ja_rtp_info_new (held ? JA_RTP_INFO_HOLD
      : JA_RTP_INFO_UNHOLD);

  /* XEP-0167 §7.2: on hold we send no meaningful media (silence keeps
   * RTCP and the peer's jitter buffer going). */
  if (self->audio != NULL)
    ja_media_audio_set_muted (self->audio, held || self->muted);
  self->held = held;
  return send_info (self, info, error);
}

gboolean
ja_rtp_stream_is_video (JaRtpStream *self)
{
  return self->is_video;
}

gboolean
ja_rtp_stream_get_video_stats (JaRtpStream *self, JaMediaVideoStats *stats)
{
  memset (stats, 0, sizeof *stats);
  if (self->video == NULL) {
    if (self->have_final && self->is_video)
      *stats = self->final_video;
    return self->have_final && self->is_video;
  }
  ja_media_video_get_stats (self->video, stats);
  return TRUE;
}

gboolean
ja_rtp_stream_save_frame_png (JaRtpStream *self, const char *path,
    GError **error)
{
  if (self->video == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "no video");
    return FALSE;
  }
  return ja_media_video_save_frame_png (self->video, path, error);
}

const char *
ja_rtp_stream_get_failure (JaRtpStream *self)
{
  return self->failure;
}

/* ---- media callbacks ---------------------------------------------------- */



/* A packet to send: what both engines report on the creator's context,
 * and the native engine's direct sends (under send_lock, any thread). */
static void
stream_send (JaRtpStream *self, const guint8 *data, gsize len)
{
  g_autoptr (GBytes) packet = g_bytes_new (data, len);

  if (self->channel == NULL) {
    /* Before SRTP is keyed: keep the newest RTP packet (not RTCP), sent
     * the moment the channel is there, instead of waiting a frame. */
    if (len >= 2 && !(data[1] >= 192 && data[1] <= 223)) {
      g_clear_pointer (&self->early, g_bytes_unref);
      self->early = g_steal_pointer (&packet);
    }
    return;
  }
  /* A failure (not keyed yet, closed) drops the packet as a network
   * would; RTP copes. */
  ja_jingle_channel_send (self->channel, 1, packet, NULL);
}

static void
stream_first_media (JaRtpStream *self)
{
  if (self->first_media_ms == 0)
    self->first_media_ms = MAX (1,
        (guint) ((g_get_monotonic_time () - self->t_start) / 1000));
  g_signal_emit (self, signals[SIG_FIRST_MEDIA], 0);
}

static void
stream_error (JaRtpStream *stream, const GError *error)
{
  g_autoptr (JaRtpStream) self = g_object_ref (stream);
  JaJingleContent *c = self->content;

  g_signal_emit (self, signals[SIG_MEDIA_ERROR], 0, error->message);
  if (c != NULL)
    ja_jingle_session_terminate_later (ja_jingle_content_get_session (c),
        JA_JINGLE_REASON_MEDIA_ERROR, error->message);
}

static void
send_rtp_cb (JaMediaAudio *audio, const guint8 *data, gsize len,
    gpointer user_data)
{
  stream_send (user_data, data, len);
}

static void
first_media_cb (JaMediaAudio *audio, gpointer user_data)
{
  stream_first_media (user_data);
}

static void
dtmf_cb (JaMediaAudio *audio, char digit, guint duration_ms,
    gpointer user_data)
{
  g_signal_emit (user_data, signals[SIG_DTMF], 0, digit, duration_ms);
}

static void
source_eos_cb (JaMediaAudio *audio, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIG_SOURCE_ENDED], 0);
}

static void
error_cb (JaMediaAudio *audio, const GError *error, gpointer user_data)
{
  stream_error (user_data, error);
}

static const JaMediaAudioCallbacks audio_callbacks = {
  .send_rtp = send_rtp_cb,
  .first_media = first_media_cb,
  .dtmf = dtmf_cb,
  .source_eos = source_eos_cb,
  .error = error_cb,
};

static void
video_send_rtp_cb (JaMediaVideo *video, const guint8 *data, gsize len,
    gpointer user_data)
{
  stream_send (user_data, data, len);
}

static void
video_first_frame_cb (JaMediaVideo *video, guint width, guint height,
    gpointer user_data)
{
  stream_first_media (user_data);
}

static void
video_source_eos_cb (JaMediaVideo *video, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIG_SOURCE_ENDED], 0);
}

static void
video_error_cb (JaMediaVideo *video, const GError *error, gpointer user_data)
{
  stream_error (user_data, error);
}

static const JaMediaVideoCallbacks video_callbacks = {
  .send_rtp = video_send_rtp_cb,
  .first_frame = video_first_frame_cb,
  .source_eos = video_source_eos_cb,
  .error = video_error_cb,
};

/* The native engine's packets, on its media thread (or the first frame on
 * ours): straight to the transport (thread-safe send), or kept as the
 * early packet until the channel is there. Under send_lock, so that the
 * early packet goes out (rtp_start) before any later one. self->channel
 * lives until the engine is freed (rtp_stop). */
static void
direct_send_cb (const guint8 *data, gsize len, gpointer user_data)
{
  JaRtpStream *self = user_data;

  g_mutex_lock (&self->send_lock);
  stream_send (self, data, len);
  g_mutex_unlock (&self->send_lock);
}

static gboolean
move_receive_cb (gpointer user_data)
{
  JaRtpStream *self = user_data;
  GMainContext *context;

  self->media_thread_id = 0;
  /* The thread that decodes the call's packets receives them too. */
  context = self->audio != NULL
      ? ja_media_audio_get_media_context (self->audio) : NULL;
  if (self->channel != NULL && context != NULL
      && ja_jingle_channel_set_media_thread (self->channel, context))
    g_debug ("rtp: receiving on the media thread");
  return G_SOURCE_REMOVE;
}

/* Creator's context, or the media thread once moved there: reads only what
 * is fixed while the channel is (pts, audio, video). */
static void
receive_cb (JaJingleChannel *channel, guint component, GBytes *packet,
    gpointer user_data)
{
  JaRtpStream *self = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (packet, &len);

  /* The first packet took the fast way here (and the native engine decodes
   * it at once); the rest come on the media thread, where they are only
   * looked at once per tick anyway. */
  if (self->want_media_thread) {
    self->want_media_thread = FALSE;
    self->media_thread_id = g_idle_add (move_receive_cb, self);
  }

  /* On a BUNDLE transport every content sees every packet: keep the RTP
   * of our payload types (RTCP, PT 64–95 by RFC 5761, goes to all). */
  if (self->have_pts && len >= 2 && !((data[1] & 0x7f) >= 64
          && (data[1] & 0x7f) <= 95) && !self->pts[data[1] & 0x7f])
    return;
  if (self->audio != NULL)
    ja_media_audio_receive (self->audio, data, len);
  else if (self->video != NULL)
    ja_media_video_receive (self->video, data, len);
}

/* ---- the application kind ---------------------------------------------- */

static RtpApp *
app_new (JaJingleContent *c)
{
  RtpApp *self = g_new0 (RtpApp, 1);

  self->stream = g_object_new (JA_TYPE_RTP_STREAM, NULL);
  self->stream->content = c;
  return self;
}

static guint32
random_ssrc (void)
{
  guint32 ssrc;

  do
    ssrc = g_random_int ();
  while (ssrc == 0);
  return ssrc;
}

/* A string kept on the session under key, made by random hex the first
 * time: what all contents of one call share. */
static const char *
session_token (JaJingleContent *c, const char *key)
{
  JaJingleSession *session = ja_jingle_content_get_session (c);
  const char *v;

  if (session == NULL)
    return NULL;
  v = g_object_get_data (G_OBJECT (session), key);
  if (v == NULL) {
    char *t = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());

    g_object_set_data_full (G_OBJECT (session), key, t, g_free);
    v = t;
  }
  return v;
}

/* Our <source/> elements (XEP-0339): the SSRC with the call's CNAME (one
 * per call, RFC 7022, so that a peer can synchronise audio and video) and
 * an msid (RFC 8830: "STREAM TRACK", one stream for the call, one track
 * per content — how WebRTC peers group the tracks into one MediaStream). */
static void
add_source (JaRtpDescription *d, JaJingleContent *c)
{
  const char *cname = session_token (c, "ja-rtp-cname");
  const char *stream = session_token (c, "ja-rtp-msid-stream");
  g_autofree char *fallback = g_strdup_printf ("%08x%08x", g_random_int (),
      g_random_int ());
  g_autofree char *msid = g_strdup_printf ("%s %s-%08x",
      stream != NULL ? stream : fallback, d->media ?: "track", g_random_int ());
  JaRtpSource *src;

  if (cname == NULL)
    cname = fallback;
  d->ssrc = random_ssrc ();
  d->has_ssrc = TRUE;
  src = ja_rtp_description_add_source (d, d->ssrc);
  ja_rtp_source_add_param (src, "cname", cname);
  ja_rtp_source_add_param (src, "msid", msid);
  /* Video with RFC 4588 rtx: the retransmissions' own SSRC, paired with
   * the media's in an XEP-0339 FID group. */
  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    if (g_ascii_strcasecmp (ja_rtp_payload_type_get_name (pt) ?: "", "rtx")
        == 0) {
      guint32 rtx = random_ssrc ();
      JaRtpSsrcGroup *fid;

      src = ja_rtp_description_add_source (d, rtx);
      ja_rtp_source_add_param (src, "cname", cname);
      ja_rtp_source_add_param (src, "msid", msid);
      fid = ja_rtp_description_add_ssrc_group (d, "FID");
      g_array_append_val (fid->ssrcs, d->ssrc);
      g_array_append_val (fid->ssrcs, rtx);
      break;
    }
  }
}

/* Our RTX SSRC: the second of our FID group, 0 without one. */
static guint32
rtx_ssrc_of (const JaRtpDescription *d)
{
  for (guint i = 0; d != NULL && i < d->ssrc_groups->len; i++) {
    const JaRtpSsrcGroup *g = g_ptr_array_index (d->ssrc_groups, i);

    if (g_strcmp0 (g->semantics, "FID") == 0 && g->ssrcs->len == 2
        && g_array_index (g->ssrcs, guint32, 0) == d->ssrc)
      return g_array_index (g->ssrcs, guint32, 1);
  }
  return 0;
}

static void rtp_free (JaJingleApp *app);

/* Whether pt rides on a kept codec: telephone-event (audio) while some
 * codec is kept, rtx whose apt is a kept payload type (RFC 4588). */
static gboolean
rides_on_kept (const JaRtpPayloadType *pt, GPtrArray *kept, guint n_codecs)
{
  const char *name = ja_rtp_payload_type_get_name (pt) ?: "";
  guint64 apt;

  if (g_ascii_strcasecmp (name, "telephone-event") == 0)
    return n_codecs > 0;
  if (g_ascii_strcasecmp (name, "rtx") != 0
      || !ja_xml_parse_decimal (ja_rtp_payload_type_get_param (pt, "apt"), 0,
          127, &apt))
    return FALSE;
  for (guint i = 0; i < n_codecs; i++)
    if (((const JaRtpPayloadType *) g_ptr_array_index (kept, i))->id == apt)
      return TRUE;
  return FALSE;
}

/* Keeps only the payload types the user allows (--codec for audio,
 * --video-codec for video), with the telephone-event and rtx that ride on
 * them; reorders by the user's preference when reorder. FALSE when no
 * codec is left. */
static gboolean
restrict_codecs (JaRtpDescription *d, Options *o, gboolean reorder)
{
  g_autoptr (GPtrArray) kept = NULL;
  char **names;
  guint n_codecs = 0;

  if (o == NULL)
    return TRUE;
  names = g_strcmp0 (d->media, "audio") == 0 ? o->codecs : o->video_codecs;
  if (names == NULL)
    return TRUE;
  kept = g_ptr_array_new ();
  for (guint k = 0; names[k] != NULL; k++)
    for (guint i = 0; i < d->payload_types->len; i++) {
      JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);
      const char *name = ja_rtp_payload_type_get_name (pt);

      if (name != NULL && g_ascii_strcasecmp (name, names[k]) == 0
          && !g_ptr_array_find (kept, pt, NULL))
        g_ptr_array_add (kept, pt);
    }
  n_codecs = kept->len;
  for (guint i = 0; i < d->payload_types->len; i++) {
    JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    if (rides_on_kept (pt, kept, n_codecs))
      g_ptr_array_add (kept, pt);
  }
  if (n_codecs == 0)
    return FALSE;
  /* Rebuild the list: stolen entries in the new order, the rest freed. */
  {
    GPtrArray *old = d->payload_types;
    GPtrArray *order = g_ptr_array_new_with_free_func (
        (GDestroyNotify) ja_rtp_payload_type_free);

    if (!reorder) {
      for (guint i = 0; i < old->len; i++)
        if (g_ptr_array_find (kept, g_ptr_array_index (old, i), NULL))
          g_ptr_array_add (order, g_ptr_array_index (old, i));
    } else {
      for (guint i = 0; i < kept->len; i++)
        g_ptr_array_add (order, g_ptr_array_index (kept, i));
    }
    g_ptr_array_set_free_func (old, NULL);
    for (guint i = 0; i < old->len; i++)
      if (!g_ptr_array_find (kept, g_ptr_array_index (old, i), NULL))
        ja_rtp_payload_type_free (g_ptr_array_index (old, i));
    g_ptr_array_unref (old);
    d->payload_types = order;
  }
  return TRUE;
}

/* Whether content c is in the XEP-0338 BUNDLE group of whoever offered
 * it (the session's offer, or the content-add that brought it): then the
 * MID header extension is offered or answered (RFC 8843 §15). */
static gboolean
in_bundle (JaJingleContent *c)
{
  return ja_jingle_content_get_bundle_group (c) != NULL;
}

static JaJingleApp *
rtp_new_local (JaJingleContent *c, const JaJingleAppOptions *opts,
    GError **error)
{
  RtpApp *self = app_new (c);
  const char *media = opts != NULL && opts->params != NULL ? opts->params
      : "audio";

  if (g_strcmp0 (media, "audio") != 0 && g_strcmp0 (media, "video") != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "%s is not a media of XEP-0167 calls (audio, video)", media);
    g_object_unref (self->stream);
    g_free (self);
    return NULL;
  }
  self->stream->is_video = g_strcmp0 (media, "video") == 0;
  self->local = ja_rtp_negotiate_offer (media);
  if (!restrict_codecs (self->local, content_options (c), TRUE)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        self->stream->is_video
        ? "none of the video codecs asked for is available (have: VP8, H264)"
        : "none of the codecs asked for is available (have: opus, PCMU, PCMA)");
    rtp_free (&self->parent);
    return NULL;
  }
  ja_rtp_negotiate_offer_hdrexts (self->local, in_bundle (c));
  add_source (self->local, c);
  return &self->parent;
}

static JaJingleApp *
rtp_new_remote (JaJingleContent *c, const JaXmlNode *description,
    GError **error)
{
  g_autoptr (JaRtpDescription) offer = ja_rtp_description_parse (description,
      error);
  g_autoptr (JaRtpDescription) answer = NULL;
  g_autoptr (GError) local = NULL;
  RtpApp *self;

  if (offer == NULL)
    return NULL;
  if (g_strcmp0 (offer->media, "audio") != 0
      && g_strcmp0 (offer->media, "video") != 0) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "media '%s' is not supported (audio, video)", offer->media);
    return NULL;
  }
  answer = ja_rtp_negotiate_answer (offer, &local);
  if (answer != NULL && !restrict_codecs (answer, content_options (c), FALSE)) {
    g_clear_pointer (&answer, ja_rtp_description_free);
    g_set_error_literal (&local, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "no codec in common with the ones this agent allows");
  }
  if (answer == NULL) {
    /* XEP-0167 §5: none of the offered payload types is ours — the
     * session is acknowledged, then terminated with <failed-application/>
     * by whoever handles it (the stream says why). */
    self = app_new (c);
    self->stream->is_video = g_strcmp0 (offer->media, "video") == 0;
    self->remote = g_steal_pointer (&offer);
    self->stream->failure = g_strdup (local->message);
    return &self->parent;
  }
  ja_rtp_negotiate_answer_hdrexts (offer, answer, in_bundle (c));
  add_source (answer, c);
  self = app_new (c);
  self->stream->is_video = g_strcmp0 (offer->media, "video") == 0;
  self->remote = g_steal_pointer (&offer);
  self->local = g_steal_pointer (&answer);
  return &self->parent;
}

static void
rtp_free (JaJingleApp *app)
{
  RtpApp *self = (RtpApp *) app;

  g_clear_handle_id (&self->prepare_id, g_source_remove);
  self->stream->content = NULL;
  stream_leave_media_thread (self->stream);
  g_clear_pointer (&self->stream->audio, ja_media_audio_free);
  g_clear_pointer (&self->stream->video, ja_media_video_free);
  g_object_unref (self->stream);
  ja_rtp_description_free (self->local);
  ja_rtp_description_free (self->remote);
  g_free (self);
}

static gboolean prepare_media (RtpApp *self);

static gboolean
prepare_idle_cb (gpointer data)
{
  RtpApp *self = data;

  self->prepare_id = 0;
  prepare_media (self);
  return G_SOURCE_REMOVE;
}

static JaXmlNode *
rtp_build_description (JaJingleApp *app, JaJingleAction action)
{
  RtpApp *self = (RtpApp *) app;

  /* Our session-accept settles the codecs: start the pipeline right
   * after it went out. */
  if (self->local == NULL) {
    /* An offer we cannot answer (it is being terminated): its media. */
    g_autoptr (JaRtpDescription) empty = ja_rtp_description_new (
        self->remote != NULL ? self->remote->media : "audio");

    return ja_rtp_description_build (empty);
  }
  if (action == JA_JINGLE_ACTION_SESSION_ACCEPT && self->prepare_id == 0
      && self->stream->audio == NULL && self->stream->video == NULL)
    self->prepare_id = g_idle_add (prepare_idle_cb, self);
  return ja_rtp_description_build (self->local);
}

static gboolean
rtp_accept_remote (JaJingleApp *app, const JaXmlNode *description,
    GError **error)
{
  RtpApp *self = (RtpApp *) app;
  JaRtpDescription *answer;

  /* Only the content's creator offered; its answer comes from the peer. */
  if (ja_jingle_content_get_creator (app->content)
      != ja_jingle_content_get_local_role (app->content) || description == NULL)
    return TRUE;
  answer = ja_rtp_description_parse (description, error);
  if (answer == NULL)
    return FALSE;
  if (ja_rtp_negotiate_send_codec (answer) == NULL) {
    ja_rtp_description_free (answer);
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "the answer names no codec we offered");
    return FALSE;
  }
  ja_rtp_description_free (self->remote);
  self->remote = answer;
  /* The peer's answer settles the codecs: start the pipeline while ICE
   * and DTLS run. */
  if (self->prepare_id == 0 && self->stream->audio == NULL
      && self->stream->video == NULL)
    self->prepare_id = g_idle_add (prepare_idle_cb, self);
  return TRUE;
}

/* Who sends, from the content's senders and our role. */
static void
directions (JaJingleContent *c, gboolean *send, gboolean *receive)
{
  JaJingleSenders s = ja_jingle_content_get_senders (c);
  gboolean initiator = ja_jingle_content_get_local_role (c)
      == JA_JINGLE_ROLE_INITIATOR;

  *send = s == JA_JINGLE_SENDERS_BOTH
      || (s == JA_JINGLE_SENDERS_INITIATOR && initiator)
      || (s == JA_JINGLE_SENDERS_RESPONDER && !initiator);
  *receive = s == JA_JINGLE_SENDERS_BOTH
      || (s == JA_JINGLE_SENDERS_INITIATOR && !initiator)
      || (s == JA_JINGLE_SENDERS_RESPONDER && initiator);
}

void
ja_rtp_stream_get_directions (JaRtpStream *self, gboolean *send,
    gboolean *receive)
{
  *send = *receive = FALSE;
  if (self->content != NULL)
    directions (self->content, send, receive);
}

/* The negotiated list: the answer (the peer's for a content we created
 * and offered, ours otherwise). */
static const JaRtpDescription *
negotiated (RtpApp *self)
{
  JaJingleContent *c = self->parent.content;

  return ja_jingle_content_get_creator (c)
      == ja_jingle_content_get_local_role (c) ? self->remote : self->local;
}

/* The XEP-0294 id of uri that we (or the peer, when !ours) send with. */
static guint8
hdrext_id (RtpApp *self, const char *uri, gboolean ours)
{
  gboolean initiator = ja_jingle_content_get_local_role (self->parent.content)
      == JA_JINGLE_ROLE_INITIATOR;

  return ja_rtp_negotiate_hdrext_id (negotiated (self), uri,
      ours ? initiator : !initiator);
}

static gboolean
configure (RtpApp *self, JaMediaAudioConfig *cfg, GError **error)
{
  JaJingleContent *c = self->parent.content;
  /* The negotiated list: the answer (the peer's for a content we created
   * and offered, ours otherwise); ids are the offer's on both sides. */
  const JaRtpDescription *neg = ja_jingle_content_get_creator (c)
      == ja_jingle_content_get_local_role (c) ? self->remote : self->local;
  const JaRtpPayloadType *send = neg != NULL
      ? ja_rtp_negotiate_send_codec (neg) : NULL;
  const JaRtpPayloadType *dtmf;

  if (send == NULL) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "no codec in common");
    return FALSE;
  }
  cfg->send_codec = ja_rtp_payload_type_get_name (send);
  cfg->send_pt = send->id;
  cfg->send_clock_rate = ja_rtp_payload_type_get_clockrate (send);
  cfg->send_channels = send->channels;
  for (guint i = 0; i < neg->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (neg->payload_types, i);

    cfg->recv_codecs[pt->id & 127] = ja_rtp_payload_type_get_name (pt);
    cfg->recv_clock_rates[pt->id & 127] = ja_rtp_payload_type_get_clockrate (
        pt);
    self->stream->pts[pt->id & 127] = 1;
    self->stream->have_pts = TRUE;
  }
  dtmf = ja_rtp_negotiate_dtmf (neg, cfg->send_clock_rate);
  if (dtmf != NULL) {
    cfg->dtmf_pt = dtmf->id;
    cfg->dtmf_clock_rate = ja_rtp_payload_type_get_clockrate (dtmf);
  }
  cfg->local_ssrc = self->local->ssrc;
  cfg->hdrext_mid_id = hdrext_id (self, JA_RTP_HDREXT_URI_MID, TRUE);
  cfg->mid = ja_jingle_content_get_name (c);
  cfg->hdrext_audio_level_id = hdrext_id (self,
      JA_RTP_HDREXT_URI_AUDIO_LEVEL, TRUE);
  directions (c, &cfg->send, &cfg->receive);
  g_free (self->stream->codec);
  self->stream->codec = g_strdup_printf ("%s/%u%s%s (pt %u)", cfg->send_codec,
      cfg->send_clock_rate, cfg->send_channels > 1 ? "/" : "",
      cfg->send_channels > 1 ? "2" : "", cfg->send_pt);
  return TRUE;
}

/* The video engine from the negotiated VP8 payload type (XEP-0167 with
 * XEP-0293 feedback: nack, nack pli, ccm fir honoured by the engine). */
static gboolean
prepare_video (RtpApp *self)
{
  JaJingleContent *c = self->parent.content;
  JaRtpStream *st = self->stream;
  Options *o = content_options (c);
  const JaRtpDescription *neg = ja_jingle_content_get_creator (c)
      == ja_jingle_content_get_local_role (c) ? self->remote : self->local;
  const JaRtpPayloadType *send = neg != NULL
      ? ja_rtp_negotiate_send_codec (neg) : NULL;
  JaMediaVideoConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;

  if (send == NULL) {
    ja_jingle_session_terminate_later (ja_jingle_content_get_session (c),
        JA_JINGLE_REASON_FAILED_APPLICATION, "no video codec in common");
    return FALSE;
  }
  cfg.source = o != NULL ? o->video_source : NULL;
  cfg.sink = o != NULL ? o->video_sink : NULL;
  cfg.record_path = o != NULL ? o->record_video_path : NULL;
  if (o != NULL) {
    cfg.width = o->video_width;
    cfg.height = o->video_height;
    cfg.fps = o->video_fps;
    cfg.bitrate_kbps = o->video_kbps;
  }
  cfg.send_codec = ja_rtp_payload_type_get_name (send);
  cfg.send_pt = send->id;
  for (guint i = 0; i < neg->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (neg->payload_types, i);
    const char *name = ja_rtp_payload_type_get_name (pt);
    guint64 apt;

    st->pts[pt->id & 127] = 1;
    st->have_pts = TRUE;
    if (g_ascii_strcasecmp (name ?: "", "rtx") == 0) {
      /* RFC 4588: retransmissions of the payload type apt names. */
      if (!ja_xml_parse_decimal (ja_rtp_payload_type_get_param (pt, "apt"),
              0, 127, &apt))
        continue;
      cfg.recv_rtx_apt[pt->id & 127] = (guint8) apt;
      if (apt == send->id)
        cfg.send_rtx_pt = pt->id;
      continue;
    }
    cfg.recv_codecs[pt->id & 127] = name;
  }
  cfg.local_ssrc = self->local->ssrc;
  cfg.local_rtx_ssrc = rtx_ssrc_of (self->local);
  cfg.hdrext_mid_id = hdrext_id (self, JA_RTP_HDREXT_URI_MID, TRUE);
  cfg.mid = ja_jingle_content_get_name (c);
  directions (c, &cfg.send, &cfg.receive);
  g_free (st->codec);
  st->codec = g_strdup_printf ("%s/90000 (pt %u)", cfg.send_codec,
      cfg.send_pt);
  st->video = ja_media_video_new (&cfg, &video_callbacks, st, &error);
  if (st->video == NULL || !ja_media_video_start (st->video, &error)) {
    g_autoptr (JaRtpStream) keep = g_object_ref (st);

    (void) keep;   /* held while the signal's handlers run */
    g_clear_pointer (&st->video, ja_media_video_free);
    g_signal_emit (st, signals[SIG_MEDIA_ERROR], 0, error->message);
    ja_jingle_session_terminate_later (ja_jingle_content_get_session (c),
        JA_JINGLE_REASON_MEDIA_ERROR, error->message);
    return FALSE;
  }
  return TRUE;
}

/* Builds and starts the pipeline as soon as the codecs are settled (our
 * session-accept as responder, the peer's as initiator), while ICE and DTLS
 * run: the source is live and the decoder ready by the time SRTP is keyed,
 * so the first packet goes out then, not a pipeline start and a frame
 * later. Until the channel is there, what it sends is dropped. FALSE once
 * the session is being ended. */
static gboolean
prepare_media (RtpApp *self)
{
  JaJingleContent *c = self->parent.content;
  JaRtpStream *st = self->stream;
  Options *o = content_options (c);
  g_autofree char *record = record_path_for (o);
  JaMediaAudioConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;

  if (st->audio != NULL || st->video != NULL)
    return TRUE;
  if (self->local == NULL)
    return FALSE;     /* being terminated: failed-application */
  if (st->is_video)
    return prepare_video (self);
  if (!configure (self, &cfg, &error)) {
    ja_jingle_session_terminate_later (ja_jingle_content_get_session (c),
        JA_JINGLE_REASON_FAILED_APPLICATION, error->message);
    return FALSE;
  }
  cfg.source = o != NULL ? o->source : NULL;
  cfg.sink = o != NULL ? o->sink : NULL;
  cfg.record_path = record;
  cfg.engine = o != NULL ? o->audio_engine : JA_MEDIA_AUDIO_ENGINE_AUTO;
  st->audio = ja_media_audio_new (&cfg, &audio_callbacks, st, &error);
  /* The native engine sends from its media thread, not through events to
   * this context, and receives there after the first packet
   * (JINGLE_AGENT_MAIN_THREAD_MEDIA: the old way, to compare in
   * benchmarks). */
  if (st->audio != NULL
      && g_getenv ("JINGLE_AGENT_MAIN_THREAD_MEDIA") == NULL)
    st->want_media_thread = ja_media_audio_set_direct_send (st->audio,
        direct_send_cb, st);
  if (st->audio == NULL || !ja_media_audio_start (st->audio, &error)) {
    g_autoptr (JaRtpStream) keep = g_object_ref (st);

    (void) keep;   /* held while the signal's handlers run */
    g_clear_pointer (&st->audio, ja_media_audio_free);
    g_signal_emit (st, signals[SIG_MEDIA_ERROR], 0, error->message);
    ja_jingle_session_terminate_later (ja_jingle_content_get_session (c),
        JA_JINGLE_REASON_MEDIA_ERROR, error->message);
    return FALSE;
  }
  return TRUE;
}

/* On a BUNDLE transport: how our packets are told from the other
 * contents' (RFC 8843 §9.2): the MID the peer sends, its XEP-0339
 * sources, our payload types. */
static void
set_demux (RtpApp *self, JaJingleChannel *channel)
{
  JaRtpStream *st = self->stream;
  g_autoptr (GArray) ssrcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  JaJingleDemuxKeys keys = { 0 };

  for (guint i = 0; self->remote != NULL && i < self->remote->sources->len;
      i++) {
    const JaRtpSource *src = g_ptr_array_index (self->remote->sources, i);

    g_array_append_val (ssrcs, src->ssrc);
  }
  if (self->remote != NULL && self->remote->has_ssrc)
    g_array_append_val (ssrcs, self->remote->ssrc);
  keys.mid = ja_jingle_content_get_name (self->parent.content);
  keys.mid_ext_id = hdrext_id (self, JA_RTP_HDREXT_URI_MID, FALSE);
  keys.pts = st->pts;
  keys.ssrcs = (const guint32 *) (gpointer) ssrcs->data;
  keys.n_ssrcs = ssrcs->len;
  ja_jingle_channel_set_demux (channel, &keys);
}

static void
rtp_start (JaJingleApp *app, JaJingleChannel *channel)
{
  RtpApp *self = (RtpApp *) app;
  JaRtpStream *st = self->stream;

  if (st->started)
    return;   /* a transport restart: the pipeline goes on */
  if (!prepare_media (self))
    return;
  st->t_start = g_get_monotonic_time ();
  ja_jingle_channel_set_receive_func (channel, receive_cb, st);
  set_demux (self, channel);
  g_mutex_lock (&st->send_lock);
  st->channel = ja_jingle_channel_ref (channel);
  if (st->early != NULL) {
    ja_jingle_channel_send (channel, 1, st->early, NULL);
    g_clear_pointer (&st->early, g_bytes_unref);
  }
  g_mutex_unlock (&st->send_lock);
  st->started = TRUE;
  g_signal_emit (st, signals[SIG_STARTED], 0);
}

static void
rtp_stop (JaJingleApp *app, JaJingleReason reason)
{
  RtpApp *self = (RtpApp *) app;

  g_clear_handle_id (&self->prepare_id, g_source_remove);
  stream_leave_media_thread (self->stream);
  /* Finishes the recording now, while the session ends; the counters
   * stay readable for the final report. */
  if (self->stream->audio != NULL) {
    ja_media_audio_get_stats (self->stream->audio, &self->stream->final);
    self->stream->have_final = TRUE;
  }
  g_clear_pointer (&self->stream->audio, ja_media_audio_free);
  if (self->stream->video != NULL) {
    ja_media_video_get_stats (self->stream->video,
        &self->stream->final_video);
    self->stream->have_final = TRUE;
  }
  g_clear_pointer (&self->stream->video, ja_media_video_free);
  if (self->stream->channel != NULL)
    ja_jingle_channel_set_receive_func (self->stream->channel, NULL, NULL);
  g_clear_pointer (&self->stream->channel, ja_jingle_channel_unref);
}

static gboolean
rtp_handle_session_info (JaJingleApp *app, const JaXmlNode *payload,
    GError **error)
{
  RtpApp *self = (RtpApp *) app;
  g_autoptr (GError) local = NULL;
  g_autoptr (JaRtpInfo) info = ja_rtp_info_parse (payload, &local);

  if (info == NULL) {
    if (g_error_matches (local, JA_XMPP_ERROR,
            JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED))
      g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_INFO,
          "%s", local->message);
    else
      g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  /* A mute for another content of the session is not ours to report. */
  if ((info->type == JA_RTP_INFO_MUTE || info->type == JA_RTP_INFO_UNMUTE)
      && info->name != NULL && g_strcmp0 (info->name,
          ja_jingle_content_get_name (app->content)) != 0)
    return TRUE;
  g_signal_emit (self->stream, signals[SIG_INFO], 0,
      ja_rtp_info_type_to_string (info->type));
  return TRUE;
}

const JaJingleAppKind ja_rtp_app_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = JA_NS_JINGLE_RTP,
  .flavor = JA_JINGLE_FLAVOR_DATAGRAM,
  .n_components = 1,
  .new_local = rtp_new_local,
  .new_remote = rtp_new_remote,
  .free = rtp_free,
  .build_description = rtp_build_description,
  .accept_remote = rtp_accept_remote,
  .start = rtp_start,
  .stop = rtp_stop,
  .handle_session_info = rtp_handle_session_info,
};

JaRtpStream *
ja_rtp_app_get_stream (JaJingleApp *app)
{
  if (app == NULL || app->kind != &ja_rtp_app_kind)
    return NULL;
  return ((RtpApp *) app)->stream;
}
