/* audio-native.c — the native audio engine (see audio-native.h): one RTP
 * audio content without GStreamer. libopus (RFC 7587 payload) and G.711
 * (RFC 3551 PCMU/PCMA), RTP (RFC 3550) with RFC 8285 one-byte header
 * extensions (MID, RFC 6464 audio level), rtcp-mux SR/RR (RFC 5761),
 * RFC 4733 DTMF both ways, a small jitter buffer with Opus concealment, and
 * a WAV recorder.
 *
 * Threads: every native call of the process is driven by ONE media thread
 * that wakes every 20 ms (absolute deadlines on CLOCK_MONOTONIC, no drift)
 * and, for each call in turn, produces and encodes the next frame, hands
 * the packet on, decodes one frame of what arrived and writes it to the
 * recorder. There is no per-call thread or timer. ja_audio_native_receive
 * runs on the transport's thread: it parses, counts and queues under the
 * call's short lock (and decodes the very first packet there, so the first
 * audio is not held until the next tick). Everything the user sees goes
 * through one event queue drained by a GSource on the creator's
 * thread-default context, exactly as media-audio.c's GStreamer engine. */
#include "media/audio-native-private.h"

#include <math.h>
#include <string.h>

#include "media/media-error.h"
#include "media/media-loop.h"

/* --- events: media thread → creator's context ----------------------------- */

/* Whether the caller is the media thread that runs the call. */
static gboolean
on_media_thread (JaAudioNative *self)
{
  return self->media_context != NULL
      && ja_media_loop_thread_context () == self->media_context;
}

/* From the media thread the creator's context is woken once per tick for
 * all calls (after the tick), not once per packet. */
void
ja_audio_native_push_event (JaAudioNative *self, Event *ev)
{
  if (on_media_thread (self)) {
    ja_media_events_push_quiet (self->events, ev);
    self->wake_pending = TRUE;
  } else {
    ja_media_events_push (self->events, ev);
  }
}

void
ja_audio_native_push_simple_event (JaAudioNative *self, EventType type)
{
  ja_audio_native_push_event (self, ja_media_audio_event_new (type));
}

static void
deliver_event (gpointer owner, gpointer ev)
{
  JaAudioNative *self = owner;

  ja_media_audio_event_deliver (self->owner, &self->cb, self->user_data, ev);
}

/* --- configuration ---------------------------------------------------------- */

static CodecKind
codec_kind (const char *name)
{
  if (name == NULL)
    return CODEC_NONE;
  if (g_ascii_strcasecmp (name, "opus") == 0)
    return CODEC_OPUS;
  if (g_ascii_strcasecmp (name, "PCMU") == 0)
    return CODEC_PCMU;
  if (g_ascii_strcasecmp (name, "PCMA") == 0)
    return CODEC_PCMA;
  return CODEC_NONE;
}

/* "test", "test:FREQ", "silence", "file:PATH"; FALSE otherwise. */
static gboolean
parse_source (const char *spec, SourceKind *kind, double *freq, GError **error)
{
  spec = spec != NULL ? spec : "test";
  *freq = 440;
  if (g_str_equal (spec, "silence")) {
    *kind = SRC_SILENCE;
    return TRUE;
  }
  if (g_str_has_prefix (spec, "file:")) {
    *kind = SRC_FILE;
    return ja_wav_is_pcm16 (spec + 5, error);
  }
  if (g_str_equal (spec, "test") || g_str_has_prefix (spec, "test:")) {
    *kind = SRC_TEST;
    if (spec[4] == ':') {
      char *end = NULL;

      *freq = g_ascii_strtod (spec + 5, &end);
      if (end == spec + 5 || *end != '\0' || *freq <= 0 || *freq > 20000) {
        g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                     "bad test source frequency in \"%s\"", spec);
        return FALSE;
      }
    }
    return TRUE;
  }
  g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
               "the native audio engine plays test[:FREQ], silence and "
               "file: with a 16-bit PCM WAV, not \"%s\" (GStreamer does)",
               spec);
  return FALSE;
}

gboolean
ja_audio_native_supports (const JaMediaAudioConfig *c, GError **error)
{
  SourceKind kind;
  double freq;

  if (c->sink != NULL && !g_str_equal (c->sink, "none")) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "the native audio engine has only the sink \"none\", not "
                 "\"%s\" (GStreamer does)",
                 c->sink);
    return FALSE;
  }
  if (c->send && codec_kind (c->send_codec) == CODEC_NONE) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "no send codec \"%s\"",
                 c->send_codec ? c->send_codec : "(none)");
    return FALSE;
  }
  return !c->send || parse_source (c->source, &kind, &freq, error);
}

static gboolean
setup_send (JaAudioNative *self, GError **error)
{
  const JaMediaAudioConfig *c = &self->config;
  int err;

  self->send_kind = codec_kind (c->send_codec);
  /* Opus's RTP clock is always 48000 (RFC 7587 §4.1); we send mono. */
  self->send_rate = self->send_kind == CODEC_OPUS ? 48000
                    : c->send_clock_rate ? c->send_clock_rate : 8000;
  if (self->send_kind != CODEC_OPUS && self->send_rate != 8000) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "G.711 at %u Hz", self->send_rate);
    return FALSE;
  }
  self->frame_samples = self->send_rate / 50;
  self->osc_re = 1;
  self->osc_im = 0;
  self->dtmf_rate = c->dtmf_clock_rate ? c->dtmf_clock_rate : self->send_rate;
  if (!parse_source (c->source, &self->source_kind, &self->freq, error))
    return FALSE;
  self->rot_re = cos (2 * G_PI * self->freq / self->send_rate);
  self->rot_im = sin (2 * G_PI * self->freq / self->send_rate);
  self->rot4_re = cos (8 * G_PI * self->freq / self->send_rate);
  self->rot4_im = sin (8 * G_PI * self->freq / self->send_rate);
  if (self->source_kind == SRC_FILE) {
    self->file_pcm = ja_wav_read_mono (c->source + 5, self->send_rate,
                                       &self->file_len, error);
    if (self->file_pcm == NULL)
      return FALSE;
  }
  if (self->send_kind != CODEC_OPUS)
    return TRUE;
  self->enc = opus_encoder_create (48000, 1, OPUS_APPLICATION_VOIP, &err);
  if (self->enc == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "opus_encoder_create: %s", opus_strerror (err));
    return FALSE;
  }
  opus_encoder_ctl (self->enc, OPUS_SET_BITRATE (OPUS_BITRATE));
  opus_encoder_ctl (self->enc, OPUS_SET_COMPLEXITY (OPUS_COMPLEXITY));
  opus_encoder_ctl (self->enc, OPUS_SET_VBR (1));
  opus_encoder_ctl (self->enc, OPUS_SET_VBR_CONSTRAINT (1));
  opus_encoder_ctl (self->enc, OPUS_SET_BANDWIDTH (OPUS_BANDWIDTH_FULLBAND));
  return TRUE;
}

/* --- send ------------------------------------------------------------------- */

/* Counted, then straight to the direct sender when there is one (on this
 * thread), else as an event to the creator's context. */
static void
emit_packet (JaAudioNative *self, const guint8 *data, gsize len, gboolean rtcp)
{
  JaMediaAudioSendFunc direct;
  gpointer direct_data;
  Event *ev;

  g_mutex_lock (&self->lock);
  if (!rtcp) {
    self->packets_sent++;
    self->bytes_sent += len;
  }
  direct = self->direct_send;
  direct_data = self->direct_data;
  g_mutex_unlock (&self->lock);
  /* On the media thread packets wait for the tick's last phase, where
   * every call's are protected and sent in a row. */
  if (direct != NULL && on_media_thread (self)
      && self->n_outbox < OUTBOX_MAX && len <= sizeof self->outbox[0]) {
    memcpy (self->outbox[self->n_outbox], data, len);
    self->outbox_len[self->n_outbox++] = len;
    return;
  }
  if (direct != NULL) {
    direct (data, len, direct_data);
    return;
  }
  ev = g_new0 (Event, 1);
  ev->type = EV_RTP;
  ev->bytes = g_bytes_new (data, len);
  ja_audio_native_push_event (self, ev);
}

/* One RTP packet with our header extensions; the sequence advances. */
static void
send_rtp (JaAudioNative *self, gboolean marker, guint8 pt, guint32 ts,
          const guint8 *payload, gsize len, guint8 level)
{
  guint8 buf[JA_RTP_HEADER_LEN + 32 + MAX_PAYLOAD];
  gsize ext = ja_rtp_hdrext_write (buf + JA_RTP_HEADER_LEN, 32,
                                   self->config.hdrext_mid_id, self->config.mid,
                                   self->config.hdrext_audio_level_id, level);

  len = MIN (len, MAX_PAYLOAD);
  ja_rtp_header_write (buf, marker, pt, self->seq++, ts, self->ssrc, ext > 0);
  memcpy (buf + JA_RTP_HEADER_LEN + ext, payload, len);
  self->payload_octets += len;
  emit_packet (self, buf, JA_RTP_HEADER_LEN + ext + len, FALSE);
}

/* The next frame of the source at the send rate; FALSE at its end. */
static gboolean
read_source (JaAudioNative *self, gint16 *pcm)
{
  guint n = self->frame_samples;

  switch (self->source_kind) {
  case SRC_TEST: {
    /* Rotating phasors: one complex multiplication per sample instead of a
     * sin(). Four of them a sample apart, each turned by four samples at a
     * time, so that the CPU runs four independent chains side by side;
     * renormalised every frame so rounding cannot make it drift. Frames
     * are 160 or 960 samples: a multiple of four. */
    double re[4], im[4], norm;
    const double amp = TEST_AMPLITUDE * 32767;

    re[0] = self->osc_re;
    im[0] = self->osc_im;
    for (guint k = 1; k < 4; k++) {
      re[k] = re[k - 1] * self->rot_re - im[k - 1] * self->rot_im;
      im[k] = re[k - 1] * self->rot_im + im[k - 1] * self->rot_re;
    }
    for (guint i = 0; i + 4 <= n; i += 4)
      for (guint k = 0; k < 4; k++) {
        double t = re[k] * self->rot4_re - im[k] * self->rot4_im;

        pcm[i + k] = (gint16)(amp * im[k]);
        im[k] = re[k] * self->rot4_im + im[k] * self->rot4_re;
        re[k] = t;
      }
    norm = sqrt (re[0] * re[0] + im[0] * im[0]);
    self->osc_re = re[0] / norm;
    self->osc_im = im[0] / norm;
    return TRUE;
  }
  case SRC_SILENCE:
    memset (pcm, 0, n * sizeof *pcm);
    return TRUE;
  case SRC_FILE:
    if (self->file_pos >= self->file_len)
      return FALSE;
    for (guint i = 0; i < n; i++, self->file_pos++)
      pcm[i] = self->file_pos < self->file_len ? self->file_pcm[self->file_pos]
                                               : 0;
    return TRUE;
  }
  return FALSE;
}

static void
send_dtmf_packet (JaAudioNative *self, gboolean end, guint8 level)
{
  guint duration = MIN ((self->dtmf_ticks + 1) * (self->dtmf_rate / 50),
                        DTMF_TONE_TICKS * (self->dtmf_rate / 50));
  guint8 payload[4] = { self->dtmf_event, (end ? 0x80 : 0) | 10,
                        (guint8)(duration >> 8), (guint8)duration };

  /* RFC 4733 §2.5.1: the marker on an event's first packet; every packet
   * of it carries the event's start timestamp. */
  send_rtp (self, self->dtmf_ticks == 0, self->config.dtmf_pt, self->dtmf_ts,
            payload, sizeof payload, level);
}

/* One tick of the RFC 4733 sequencer; TRUE while an event replaces the
 * audio (as rtpdtmfmux does). */
static gboolean
dtmf_tick (JaAudioNative *self, guint8 level)
{
  if (self->dtmf_state == DTMF_GAP || self->dtmf_state == DTMF_PAUSE) {
    if (--self->dtmf_ticks > 0)
      return FALSE;
    self->dtmf_state = DTMF_IDLE;
  }
  if (self->dtmf_state == DTMF_IDLE) {
    char digit = '\0';

    g_mutex_lock (&self->lock);
    if (self->dtmf_pending->len > 0) {
      digit = self->dtmf_pending->str[0];
      g_string_erase (self->dtmf_pending, 0, 1);
      if (digit != ',')
        self->dtmf_sent++;
    }
    g_mutex_unlock (&self->lock);
    if (digit == '\0')
      return FALSE;
    if (digit == ',') {
      self->dtmf_state = DTMF_PAUSE;
      self->dtmf_ticks = DTMF_PAUSE_TICKS;
      return FALSE;
    }
    self->dtmf_state = DTMF_TONE;
    self->dtmf_ticks = 0;
    self->dtmf_event = (guint8)ja_rtp_event_from_digit (digit);
    self->dtmf_ts = self->dtmf_rate == self->send_rate
                        ? self->ts
                        : (guint32)((guint64)self->ts * self->dtmf_rate
                                    / self->send_rate);
    self->dtmf_last_update = 0;
    self->dtmf_ends = 0;
  }
  if (self->dtmf_ticks + 1 >= DTMF_TONE_TICKS) {
    send_dtmf_packet (self, TRUE, level);
    if (++self->dtmf_ends == DTMF_END_COPIES) {
      self->dtmf_state = DTMF_GAP;
      self->dtmf_ticks = DTMF_GAP_TICKS;
      return TRUE;
    }
  } else if (self->dtmf_ticks == 0
             || self->dtmf_ticks - self->dtmf_last_update >= DTMF_UPDATE_TICKS) {
    send_dtmf_packet (self, FALSE, level);
    self->dtmf_last_update = self->dtmf_ticks;
  }
  self->dtmf_ticks++;
  return TRUE;
}

static gsize
encode (JaAudioNative *self, const gint16 *pcm, guint8 *out)
{
  guint n = self->frame_samples;

  switch (self->send_kind) {
  case CODEC_OPUS: {
    opus_int32 len = opus_encode (self->enc, pcm, (int)n, out, MAX_PAYLOAD);

    return len > 0 ? (gsize)len : 0;
  }
  case CODEC_PCMU:
    for (guint i = 0; i < n; i++)
      out[i] = ja_g711_ulaw_encode (pcm[i]);
    return n;
  case CODEC_PCMA:
    for (guint i = 0; i < n; i++)
      out[i] = ja_g711_alaw_encode (pcm[i]);
    return n;
  case CODEC_NONE:
    break;
  }
  return 0;
}

/* Produces, encodes and hands on one 20 ms frame (or a DTMF update). */
static void
send_tick (JaAudioNative *self)
{
  gint16 pcm[OPUS_MAX_FRAME / 6];
  guint8 payload[MAX_PAYLOAD];
  guint8 level;
  gsize len;

  if (!self->config.send || self->source_done)
    return;
  if (!read_source (self, pcm)) {
    self->source_done = TRUE;
    ja_audio_native_push_simple_event (self, EV_SOURCE_EOS);
    return;
  }
  /* Muted, we keep sending (silence), as the GStreamer engine does. */
  if (g_atomic_int_get (&self->muted))
    memset (pcm, 0, self->frame_samples * sizeof *pcm);
  level = self->config.hdrext_audio_level_id != 0
              ? ja_rtp_audio_level (pcm, self->frame_samples)
              : 127;
  if (self->config.dtmf_pt == 0 || !dtmf_tick (self, level)) {
    len = encode (self, pcm, payload);
    if (len > 0) {
      send_rtp (self, !self->marker_sent, self->config.send_pt, self->ts,
                payload, len, level);
      self->marker_sent = TRUE;
    }
  }
  self->ts += self->frame_samples;
}

/* --- RTCP ------------------------------------------------------------------- */

static guint64
ntp_now (void)
{
  gint64 us = g_get_real_time ();
  guint64 secs = (guint64)(us / G_USEC_PER_SEC) + 2208988800u;
  guint64 frac = ((guint64)(us % G_USEC_PER_SEC) << 32) / G_USEC_PER_SEC;

  return secs << 32 | frac;
}

static void
send_rtcp (JaAudioNative *self, gint64 now)
{
  guint8 buf[256];
  JaRtcpSenderInfo si;
  JaRtcpReportBlock block;
  gboolean have_block, sender;
  gsize len;

  g_mutex_lock (&self->lock);
  have_block = self->rx.have_seq;
  if (have_block)
    ja_audio_native_fill_block (self, now, &block);
  sender = self->packets_sent > 0;
  si.packets = (guint32)self->packets_sent;
  g_mutex_unlock (&self->lock);
  si.ntp = ntp_now ();
  si.rtp_ts = self->ts;
  si.octets = (guint32)self->payload_octets;
  len = ja_rtcp_write_report (buf, sizeof buf, self->ssrc,
                              sender ? &si : NULL, have_block ? &block : NULL,
                              self->cname);
  if (len > 0)
    emit_packet (self, buf, len, TRUE);
  self->next_rtcp_us
      = now + (gint64)(RTCP_INTERVAL_US * g_random_double_range (0.5, 1.5));
}

/* The tick, in the media loop's phases: every call encodes, then every
 * call decodes, then every call's packets are protected and sent. */
static void
phase_encode (gpointer data, gint64 now)
{
  send_tick (data);
}

static void
phase_decode (gpointer data, gint64 now)
{
  JaAudioNative *self = data;

  if (self->config.receive)
    ja_audio_native_playout_tick (self);
}

static void
phase_send (gpointer data, gint64 now)
{
  JaAudioNative *self = data;
  JaMediaAudioSendFunc direct;
  gpointer direct_data;

  if (now >= self->next_rtcp_us)
    send_rtcp (self, now);
  if (self->n_outbox > 0) {
    g_mutex_lock (&self->lock);
    direct = self->direct_send;
    direct_data = self->direct_data;
    g_mutex_unlock (&self->lock);
    for (guint i = 0; i < self->n_outbox; i++)
      if (direct != NULL)
        direct (self->outbox[i], self->outbox_len[i], direct_data);
    self->n_outbox = 0;
  }
  /* The creator's context is woken once per tick for the events this call
   * queued, not once per event. */
  if (self->wake_pending) {
    self->wake_pending = FALSE;
    ja_media_events_wake (self->events);
  }
}

static const JaMediaLoopFuncs loop_funcs = {
  { phase_encode, phase_decode, phase_send }
};

static void
tick_call (JaAudioNative *self, gint64 now)
{
  phase_encode (self, now);
  phase_decode (self, now);
  phase_send (self, now);
}

/* --- public API ----------------------------------------------------------------- */

static void
free_memory (gpointer p)
{
  JaAudioNative *self = p;

  ja_media_audio_config_clear (&self->config);
  g_mutex_clear (&self->lock);
  g_free (self);
}

JaAudioNative *
ja_audio_native_new (const JaMediaAudioConfig *config,
                     const JaMediaAudioCallbacks *cb, gpointer user_data,
                     JaMediaAudio *owner, GError **error)
{
  JaAudioNative *self;

  if (!ja_audio_native_supports (config, error))
    return NULL;
  self = g_new0 (JaAudioNative, 1);
  ja_media_audio_config_copy (&self->config, config);
  if (cb != NULL)
    self->cb = *cb;
  self->user_data = user_data;
  self->owner = owner;
  g_mutex_init (&self->lock);
  self->peer_level = -1;
  self->ssrc = config->local_ssrc ? config->local_ssrc : g_random_int ();
  g_snprintf (self->cname, sizeof self->cname, "ja-%08x%08x", g_random_int (),
              g_random_int ());
  self->seq = (guint16)g_random_int ();
  self->ts = g_random_int ();
  for (guint pt = 0; pt < 128; pt++)
    self->recv_kind[pt] = codec_kind (config->recv_codecs[pt]);
  if (config->dtmf_pt != 0)
    self->recv_kind[config->dtmf_pt & 127] = CODEC_NONE;
  self->events = ja_media_events_new ("ja-audio-native", deliver_event,
                                     ja_media_audio_event_free, self);
  self->dtmf_pending = g_string_new (NULL);
  self->inbound = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->jb);

  if ((config->send && !setup_send (self, error))
      || (config->receive && config->record_path != NULL
          && !(self->recorder = ja_wav_writer_open (config->record_path,
                                                    MIX_RATE, error)))) {
    g_prefix_error (error, "audio: ");
    ja_audio_native_free (self);
    return NULL;
  }
  return self;
}

gboolean
ja_audio_native_start (JaAudioNative *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->started)
    return TRUE;
  self->started = TRUE;
  self->next_rtcp_us = g_get_monotonic_time ()
                       + (gint64)(RTCP_FIRST_US
                                  * g_random_double_range (0.5, 1.5));
  /* The first frame now, not a tick later: it is ready when SRTP is. */
  send_tick (self);
  /* Its thread reads media_context: no tick before it is set. */
  ja_media_loop_lock ();
  self->media_context = ja_media_loop_add (&loop_funcs, self, NULL);
  ja_media_loop_unlock ();
  return TRUE;
}

gboolean
ja_audio_native_send_dtmf (JaAudioNative *self, const char *digits,
                           GError **error)
{
  if (self->config.dtmf_pt == 0 || !self->config.send) {
    g_set_error (
        error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
        "audio: no telephone-event payload type negotiated for sending");
    return FALSE;
  }
  for (const char *p = digits; *p != '\0'; p++)
    if (*p != ',' && ja_rtp_event_from_digit (*p) < 0) {
      g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FAILED,
                   "audio: '%c' is not a DTMF digit (0-9 * # A-D ,)", *p);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_string_append (self->dtmf_pending, digits);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
ja_audio_native_set_direct_send (JaAudioNative *self,
                                 JaMediaAudioSendFunc func, gpointer user_data)
{
  g_mutex_lock (&self->lock);
  self->direct_send = func;
  self->direct_data = user_data;
  g_mutex_unlock (&self->lock);
}

GMainContext *
ja_audio_native_get_media_context (JaAudioNative *self)
{
  return self->started ? self->media_context : NULL;
}

void
ja_audio_native_set_muted (JaAudioNative *self, gboolean muted)
{
  g_atomic_int_set (&self->muted, muted ? 1 : 0);
}

void
ja_audio_native_get_stats (JaAudioNative *self, JaMediaAudioStats *stats)
{
  gint64 now = g_get_monotonic_time ();

  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&self->lock);
  stats->packets_sent = self->packets_sent;
  stats->bytes_sent = self->bytes_sent;
  stats->packets_received = self->packets_received;
  stats->bytes_received = self->bytes_received;
  stats->dtmf_sent = self->dtmf_sent;
  stats->dtmf_received = self->dtmf_received;
  stats->packets_lost = self->packets_lost;
  stats->peer_packets_lost = self->peer_packets_lost;
  g_mutex_unlock (&self->lock);

  ja_media_audio_set_kbps (&self->rates, now, stats);
}

void
ja_audio_native_free (JaAudioNative *self)
{
  if (self == NULL)
    return;
  /* After this the media thread never touches the call again. */
  if (self->started)
    ja_media_loop_remove (self);
  g_clear_pointer (&self->recorder, ja_wav_writer_close);
  g_clear_pointer (&self->enc, opus_encoder_destroy);
  g_clear_pointer (&self->dec, opus_decoder_destroy);
  g_clear_pointer (&self->file_pcm, g_free);
  ja_audio_native_jb_clear (self);
  g_clear_pointer (&self->inbound, g_ptr_array_unref);
  if (self->dtmf_pending != NULL)
    g_string_free (self->dtmf_pending, TRUE);
  self->dtmf_pending = NULL;
  ja_media_events_free (self->events, free_memory);
}

void
ja_audio_native_run_tick (JaAudioNative *self)
{
  g_return_if_fail (!self->started);

  tick_call (self, g_get_monotonic_time ());
}

int
ja_audio_native_peek_peer_level (JaAudioNative *self)
{
  int level;

  g_mutex_lock (&self->lock);
  level = self->peer_level;
  g_mutex_unlock (&self->lock);
  return level;
}
