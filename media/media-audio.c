/* media-audio.c — the GStreamer audio engine of one RTP audio content
 * (XEP-0167 media side, RTP per RFC 3550, rtcp-mux per RFC 5761 §4, DTMF per
 * RFC 4733). One pipeline holds both directions around one rtpbin session:
 *   send:    source → audioconvert → audioresample → volume (mute) → encoder
 *            → payloader → [rtpdtmfmux ← rtpdtmfsrc] → rtpbin → appsinks
 *   receive: appsrc (RTP) / appsrc (RTCP) → rtpbin (jitter buffer) →
 *            depayloader → decoder → funnel → tee → sink, WAV recorder.
 * Streaming threads never call the user: everything they report goes through
 * one event queue drained by a GSource on the creator's thread-default
 * context. Owns the pipeline; the caller owns the JaMediaAudio. */
#include "media/media-audio.h"
#include "media/audio-native.h"
#include "media/media-audio-private.h"
#include "media/media-devices.h"
#include "media/media-events.h"
#include "media/media-gst.h"
#include "media/rate-window.h"

#include <stdio.h>
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtp/rtp.h>

#include "media/media-error.h"
#include "media/rtp-event.h"

/* What an appsrc of received RTP/RTCP holds before it blocks the sender. */
#define RECV_QUEUE_BYTES ((guint64)1024 * 1024)

#define JITTER_LATENCY_MS 60
#define RTP_MTU 1200
#define DTMF_TONE_MS 100
#define DTMF_GAP_MS 60
#define DTMF_PAUSE_MS 500
#define RECORD_EOS_TIMEOUT_US (3 * G_TIME_SPAN_SECOND)
#define MIX_RATE 48000

/* Encoding name → elements (media/codecs.c owns negotiation; this table only
 * says which GStreamer elements carry each name). */
typedef struct {
  const char *name;      /* as in XEP-0167 / SDP */
  const char *caps_name; /* encoding-name in application/x-rtp caps */
  const char *encoder, *payloader, *depayloader, *decoder;
  guint default_rate;
} CodecElements;

static const CodecElements codec_table[] = {
  { "opus", "OPUS", "opusenc", "rtpopuspay", "rtpopusdepay", "opusdec", 48000 },
  { "PCMU", "PCMU", "mulawenc", "rtppcmupay", "rtppcmudepay", "mulawdec",
    8000 },
  { "PCMA", "PCMA", "alawenc", "rtppcmapay", "rtppcmadepay", "alawdec", 8000 },
};

struct _JaMediaAudio {
  JaMediaAudioConfig config; /* strings owned (duplicated) */
  JaMediaAudioCallbacks cb;
  gpointer user_data;

  GMainContext *context;  /* the creator's thread-default context */
  JaMediaEvents *events;  /* to it */

  JaAudioNative *native; /* the native engine carries the call: nothing
                          * below is used */
  GstElement *pipeline;
  GstElement *rtpbin;
  GstElement *volume;
  GstElement *rtp_in, *rtcp_in; /* appsrcs */
  GstElement *dtmf_src;
  GstElement *funnel; /* NULL when not receiving */
  GstElement *record_queue;
  GPtrArray *jitterbuffers; /* GstElement*, owned; under lock */
  gboolean started;
  guint32 ssrc;

  GMutex lock; /* guards the fields below */
  guint64 packets_sent, bytes_sent;
  guint64 packets_received, bytes_received;
  guint64 dtmf_sent, dtmf_received;
  gboolean first_media;
  gboolean error_reported;
  gboolean record_eos;
  GCond record_cond;
  /* RFC 4733 receive state: the event being played. */
  JaRtpEventReceiver rx_dtmf;

  /* DTMF send sequencer (main context only). */
  GString *dtmf_pending;
  GSource *dtmf_timer;
  gboolean dtmf_tone_on;

  /* kbps snapshot (get_stats). */
  JaRateWindow rates;
};

/* --- events: streaming threads → creator's context --------------------- */

Event *
ja_media_audio_event_new (EventType type)
{
  Event *ev = g_new0 (Event, 1);

  ev->type = type;
  return ev;
}

void
ja_media_audio_event_free (gpointer p)
{
  Event *ev = p;

  g_clear_pointer (&ev->bytes, g_bytes_unref);
  g_clear_error (&ev->error);
  g_free (ev);
}

static void
push_event (JaMediaAudio *self, Event *ev)
{
  ja_media_events_push (self->events, ev);
}

static void
push_simple_event (JaMediaAudio *self, EventType type)
{
  push_event (self, ja_media_audio_event_new (type));
}

void
ja_media_audio_event_deliver (JaMediaAudio *a, const JaMediaAudioCallbacks *cb,
                              gpointer user_data, const Event *ev)
{
  switch (ev->type) {
  case EV_RTP:
    if (cb->send_rtp != NULL) {
      gsize len;
      const guint8 *data = g_bytes_get_data (ev->bytes, &len);

      cb->send_rtp (a, data, len, user_data);
    }
    break;
  case EV_FIRST_MEDIA:
    if (cb->first_media != NULL)
      cb->first_media (a, user_data);
    break;
  case EV_DTMF:
    if (cb->dtmf != NULL)
      cb->dtmf (a, ev->digit, ev->duration_ms, user_data);
    break;
  case EV_SOURCE_EOS:
    if (cb->source_eos != NULL)
      cb->source_eos (a, user_data);
    break;
  case EV_ERROR:
    if (cb->error != NULL)
      cb->error (a, ev->error, user_data);
    break;
  }
}

static void
deliver_event (gpointer owner, gpointer ev)
{
  JaMediaAudio *self = owner;

  ja_media_audio_event_deliver (self, &self->cb, self->user_data, ev);
}

/* --- helpers ------------------------------------------------------------ */

static const CodecElements *
find_codec (const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (codec_table); i++)
    if (g_ascii_strcasecmp (codec_table[i].name, name) == 0)
      return &codec_table[i];
  return NULL;
}

/* Elements and gst-launch bins made inside our pipeline (media-gst.c). */
static GstElement *
make (JaMediaAudio *self, const char *factory, const char *name,
      GError **error)
{
  return ja_media_gst_make (GST_BIN (self->pipeline), factory, name, error);
}

static GstElement *
parse (JaMediaAudio *self, const char *desc, GError **error)
{
  return ja_media_gst_parse_bin (GST_BIN (self->pipeline), desc, error);
}

#define link_chain ja_media_gst_link_chain
#define link_pads ja_media_gst_link_pads

/* --- bus ---------------------------------------------------------------- */

static GstBusSyncReply
bus_sync_cb (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  JaMediaAudio *self = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gboolean first;

    g_mutex_lock (&self->lock);
    first = !self->error_reported;
    self->error_reported = TRUE;
    g_mutex_unlock (&self->lock);
    if (first) {
      Event *ev = g_new0 (Event, 1);

      ev->type = EV_ERROR;
      ev->error = ja_media_gst_error_from_message (msg);
      g_debug ("audio %08x: %s", self->ssrc, ev->error->message);
      push_event (self, ev);
    }
  }
  /* No bus watch: nothing may pile up on the bus. A sync handler that
   * drops a message owns it. */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

/* --- send side ---------------------------------------------------------- */

/* The source, ending in raw audio on `convert`'s sink. */
static gboolean
build_source (JaMediaAudio *self, GstElement *convert, guint rate,
              GError **error)
{
  const char *spec = self->config.source ? self->config.source : "test";
  GstElement *src;

  if (g_str_equal (spec, "test") || g_str_has_prefix (spec, "test:")
      || g_str_equal (spec, "silence")) {
    double freq = 440;

    if (g_str_has_prefix (spec, "test:")) {
      char *end = NULL;

      freq = g_ascii_strtod (spec + 5, &end);
      if (end == spec + 5 || *end != '\0' || freq <= 0 || freq > 20000) {
        g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                     "bad test source frequency in \"%s\"", spec);
        return FALSE;
      }
    }
    src = make (self, "audiotestsrc", "source", error);
    if (src == NULL)
      return FALSE;
    /* 20 ms buffers at the rate it will negotiate (the encoder's). */
    g_object_set (src, "is-live", TRUE, "samplesperbuffer", (int)rate / 50,
                  NULL);
    if (g_str_equal (spec, "silence"))
      gst_util_set_object_arg (G_OBJECT (src), "wave", "silence");
    else
      g_object_set (src, "freq", freq, NULL);
  } else if (g_str_has_prefix (spec, "file:")) {
    GstElement *filesrc, *decode, *sync;

    if (!(filesrc = make (self, "filesrc", "file", error))
        || !(decode = make (self, "decodebin", "decode", error))
        || !(sync = make (self, "clocksync", "pace", error)))
      return FALSE;
    g_object_set (filesrc, "location", spec + 5, NULL);
    /* A file decodes faster than real time: pace it to the clock. */
    ja_media_gst_link_decoded (decode, sync, "audio/");
    return link_pads (filesrc, NULL, decode, NULL, error)
           && link_pads (sync, NULL, convert, NULL, error);
  } else if (g_str_equal (spec, "device")
             || g_str_has_prefix (spec, "device:")) {
    if (spec[6] == ':') {
      if (!ja_media_device_check (JA_MEDIA_DEVICE_AUDIO_SOURCE, spec + 7,
                                  error))
        return FALSE;
      src = make (self, "pulsesrc", "source", error);
      if (src != NULL)
        g_object_set (src, "device", spec + 7, NULL);
    } else {
      src = make (self, "autoaudiosrc", "source", error);
    }
    if (src == NULL)
      return FALSE;
  } else if (g_str_has_prefix (spec, "pipeline:")) {
    src = parse (self, spec + 9, error);
    if (src == NULL)
      return FALSE;
  } else {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "unknown audio source \"%s\"", spec);
    return FALSE;
  }
  return link_pads (src, NULL, convert, NULL, error);
}

static GstFlowReturn
appsink_sample_cb (GstAppSink *sink, gpointer user_data, gboolean rtcp)
{
  JaMediaAudio *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf;
  GstMapInfo map;
  Event *ev;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buf = gst_sample_get_buffer (sample);
  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  ev = g_new0 (Event, 1);
  ev->type = EV_RTP;
  ev->bytes = g_bytes_new (map.data, map.size);
  if (!rtcp) {
    g_mutex_lock (&self->lock);
    self->packets_sent++;
    self->bytes_sent += map.size;
    g_mutex_unlock (&self->lock);
  }
  gst_buffer_unmap (buf, &map);
  push_event (self, ev);
  return GST_FLOW_OK;
}

static GstFlowReturn
rtp_sample_cb (GstAppSink *sink, gpointer user_data)
{
  return appsink_sample_cb (sink, user_data, FALSE);
}

static GstFlowReturn
rtcp_sample_cb (GstAppSink *sink, gpointer user_data)
{
  return appsink_sample_cb (sink, user_data, TRUE);
}

static GstPadProbeReturn
source_eos_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    push_simple_event (user_data, EV_SOURCE_EOS);
  return GST_PAD_PROBE_OK;
}

/* rtpdtmfsrc is no payloader: the RFC 4733 events leaving the DTMF mux
 * get the BUNDLE MID here, like the audio packets beside them. */
static GstPadProbeReturn
add_mid_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  JaMediaAudio *self = user_data;
  const JaMediaAudioConfig *c = &self->config;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gpointer data;
  guint size;
  gboolean has;

  if (!gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  has = gst_rtp_buffer_get_extension_onebyte_header (&rtp, c->hdrext_mid_id,
                                                     0, &data, &size);
  gst_rtp_buffer_unmap (&rtp);
  if (has)
    return GST_PAD_PROBE_OK;
  buf = gst_buffer_make_writable (buf);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  if (gst_rtp_buffer_map (buf, GST_MAP_READWRITE, &rtp)) {
    gst_rtp_buffer_add_extension_onebyte_header (&rtp, c->hdrext_mid_id,
                                                 c->mid, strlen (c->mid));
    gst_rtp_buffer_unmap (&rtp);
  }
  return GST_PAD_PROBE_OK;
}

static gboolean
build_send (JaMediaAudio *self, GError **error)
{
  const JaMediaAudioConfig *c = &self->config;
  const CodecElements *codec = find_codec (c->send_codec);
  GstElement *convert, *resample, *filter, *enc, *pay, *tail, *rtp_out;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstPad) pay_src = NULL;
  guint rate;

  if (codec == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "no send codec \"%s\"",
                 c->send_codec ? c->send_codec : "(none)");
    return FALSE;
  }
  rate = c->send_clock_rate ? c->send_clock_rate : codec->default_rate;
  if (!(convert = make (self, "audioconvert", "send-convert", error))
      || !(resample
           = make (self, "audioresample", "send-resample", error))
      || !(self->volume = make (self, "volume", "send-volume", error))
      || !(filter = make (self, "capsfilter", "send-caps", error))
      || !(enc = make (self, codec->encoder, "encoder", error))
      || !(pay = make (self, codec->payloader, "payloader", error))
      || !(rtp_out = ja_media_gst_make_appsink (GST_BIN (self->pipeline),
                     "rtp-out", rtp_sample_cb, self, error)))
    return FALSE;

  /* Opus's RTP clock is always 48000 (RFC 7587 §4.1); we send mono. */
  if (g_ascii_strcasecmp (codec->name, "opus") == 0)
    rate = 48000;
  caps = gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, (int)rate,
                              "channels", G_TYPE_INT, 1, NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (pay, "pt", (guint)c->send_pt, "ssrc", self->ssrc, "mtu",
                (guint)RTP_MTU, NULL);
  if (g_ascii_strcasecmp (codec->name, "opus") == 0)
    gst_util_set_object_arg (G_OBJECT (enc), "audio-type", "voice");
  /* G.711: 20 ms per packet (RFC 3551 §4.5 default packetisation). */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pay), "max-ptime"))
    g_object_set (pay, "min-ptime", (gint64)20 * GST_MSECOND, "max-ptime",
                  (gint64)20 * GST_MSECOND, NULL);

  /* XEP-0294: MID and audio level on every packet (the level from
   * GstAudioLevelMeta, which `level` sets and the encoder carries over). */
  if (!ja_media_gst_add_hdrexts (pay, c->hdrext_mid_id, c->mid,
                                 c->hdrext_audio_level_id, error))
    return FALSE;
  if (c->hdrext_audio_level_id != 0) {
    GstElement *level = make (self, "level", "send-level", error);

    if (level == NULL)
      return FALSE;
    g_object_set (level, "audio-level-meta", TRUE, "post-messages", FALSE,
                  NULL);
    if (!link_chain (error, convert, resample, self->volume, filter, level,
                     enc, pay, NULL))
      return FALSE;
  } else if (!link_chain (error, convert, resample, self->volume, filter, enc,
                          pay, NULL)) {
    return FALSE;
  }
  if (!build_source (self, convert, rate, error))
    return FALSE;

  pay_src = gst_element_get_static_pad (pay, "src");
  gst_pad_add_probe (pay_src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     source_eos_probe_cb, self, NULL);

  tail = pay;
  if (c->dtmf_pt != 0) {
    /* RFC 4733 events share our SSRC and sequence space: the mux rewrites
     * both and mutes audio while an event is on. */
    GstElement *mux = make (self, "rtpdtmfmux", "dtmf-mux", error);

    if (mux == NULL
        || !(self->dtmf_src
             = make (self, "rtpdtmfsrc", "dtmf-src", error)))
      return FALSE;
    g_object_set (self->dtmf_src, "pt", (guint)c->dtmf_pt, "clock-rate",
                  c->dtmf_clock_rate ? c->dtmf_clock_rate : rate, "ssrc",
                  self->ssrc, NULL);
    g_object_set (mux, "ssrc", self->ssrc, NULL);
    if (!link_pads (pay, "src", mux, "sink_%u", error)
        || !link_pads (self->dtmf_src, "src", mux, "priority_sink_%u", error))
      return FALSE;
    if (c->hdrext_mid_id != 0 && c->mid != NULL && *c->mid != '\0'
        && strlen (c->mid) <= 16) {
      g_autoptr (GstPad) mux_src = gst_element_get_static_pad (mux, "src");

      gst_pad_add_probe (mux_src, GST_PAD_PROBE_TYPE_BUFFER, add_mid_probe_cb,
                         self, NULL);
    }
    tail = mux;
  }
  return link_pads (tail, "src", self->rtpbin, "send_rtp_sink_0", error)
         && link_pads (self->rtpbin, "send_rtp_src_0", rtp_out, "sink", error);
}

/* RTCP goes out whether or not we send media: a receive-only party still
 * owes the sender its receiver reports (RFC 3550 §6). */
static gboolean
build_rtcp (JaMediaAudio *self, GError **error)
{
  GstElement *rtcp_out = ja_media_gst_make_appsink (
      GST_BIN (self->pipeline), "rtcp-out", rtcp_sample_cb, self, error);

  return rtcp_out != NULL
         && link_pads (self->rtpbin, "send_rtcp_src_0", rtcp_out, "sink",
                       error);
}

/* --- receive side ------------------------------------------------------- */

static GstCaps *
request_pt_map_cb (GstElement *rtpbin, guint session, guint pt,
                   gpointer user_data)
{
  JaMediaAudio *self = user_data;
  const JaMediaAudioConfig *c = &self->config;

  if (pt >= 128)
    return NULL;
  if (c->dtmf_pt != 0 && pt == c->dtmf_pt)
    return gst_caps_new_simple (
        "application/x-rtp", "media", G_TYPE_STRING, "audio", "encoding-name",
        G_TYPE_STRING, "TELEPHONE-EVENT", "clock-rate", G_TYPE_INT,
        (int)(c->dtmf_clock_rate ? c->dtmf_clock_rate : 8000), "payload",
        G_TYPE_INT, (int)pt, NULL);
  {
    const CodecElements *codec = find_codec (c->recv_codecs[pt]);

    if (codec == NULL)
      return NULL; /* rtpbin drops payload types we did not offer */
    return gst_caps_new_simple (
        "application/x-rtp", "media", G_TYPE_STRING, "audio", "encoding-name",
        G_TYPE_STRING, codec->caps_name, "clock-rate", G_TYPE_INT,
        (int)(c->recv_clock_rates[pt] ? c->recv_clock_rates[pt]
                                      : codec->default_rate),
        "payload", G_TYPE_INT, (int)pt, NULL);
  }
}

static GstPadProbeReturn
first_media_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  JaMediaAudio *self = user_data;

  g_mutex_lock (&self->lock);
  self->first_media = TRUE;
  g_mutex_unlock (&self->lock);
  push_simple_event (self, EV_FIRST_MEDIA);
  return GST_PAD_PROBE_REMOVE;
}

/* Adds a chain of elements (consumed) from `pad` to `sink_pad` (NULL: the
 * last element is a sink) while the pipeline runs. */
static void
plug_chain (JaMediaAudio *self, GstPad *pad, GstPad *sink_pad,
            GstElement **chain, guint n)
{
  if (!ja_media_gst_plug_chain (GST_BIN (self->pipeline), pad, sink_pad,
                                chain, n))
    g_debug ("audio %08x: cannot link %s", self->ssrc, GST_PAD_NAME (pad));
}

static void
plug_fakesink (JaMediaAudio *self, GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  plug_chain (self, pad, NULL, &sink, 1);
}

static void
rtpbin_pad_added_cb (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  JaMediaAudio *self = user_data;
  const JaMediaAudioConfig *c = &self->config;
  guint session, ssrc, pt;
  const CodecElements *codec;

  if (sscanf (GST_PAD_NAME (pad), "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt)
          != 3
      || pt >= 128)
    return;
  g_debug ("audio %08x: receiving ssrc %08x pt %u", self->ssrc, ssrc, pt);
  if (c->dtmf_pt != 0 && pt == c->dtmf_pt) {
    /* Digits are reported from the RTP payload itself (see
     * ja_media_audio_receive); the depayloader keeps the stream well-formed
     * and turns events into tones we do not play. */
    GstElement *chain[2] = {
      gst_element_factory_make ("rtpdtmfdepay", NULL),
      gst_element_factory_make ("fakesink", NULL),
    };

    if (chain[0] == NULL || chain[1] == NULL) {
      g_clear_object (&chain[0]);
      g_clear_object (&chain[1]);
      return;
    }
    g_object_set (chain[1], "sync", FALSE, "async", FALSE, NULL);
    plug_chain (self, pad, NULL, chain, 2);
    return;
  }
  codec = find_codec (c->recv_codecs[pt]);
  if (codec == NULL || self->funnel == NULL) {
    plug_fakesink (self, pad);
    return;
  }
  {
    GstElement *chain[5] = {
      gst_element_factory_make (codec->depayloader, NULL),
      gst_element_factory_make (codec->decoder, NULL),
      gst_element_factory_make ("audioconvert", NULL),
      gst_element_factory_make ("audioresample", NULL),
      gst_element_factory_make ("capsfilter", NULL),
    };
    g_autoptr (GstCaps) caps = NULL;
    g_autoptr (GstPad) funnel_pad = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
      if (chain[i] == NULL) {
        for (guint j = 0; j < G_N_ELEMENTS (chain); j++)
          g_clear_object (&chain[j]);
        plug_fakesink (self, pad);
        return;
      }
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (chain[1]), "plc"))
      g_object_set (chain[1], "plc", TRUE, NULL);
    caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
                                "rate", G_TYPE_INT, MIX_RATE, "channels",
                                G_TYPE_INT, 1, "layout", G_TYPE_STRING,
                                "interleaved", NULL);
    g_object_set (chain[4], "caps", caps, NULL);
    funnel_pad = gst_element_request_pad_simple (self->funnel, "sink_%u");
    plug_chain (self, pad, funnel_pad, chain, G_N_ELEMENTS (chain));
  }
}

static GstElement *
build_sink (JaMediaAudio *self, const char *spec, GError **error)
{
  GstElement *sink;

  if (spec == NULL || g_str_equal (spec, "none")) {
    sink = make (self, "fakesink", "sink", error);
    if (sink != NULL)
      g_object_set (sink, "sync", TRUE, "async", FALSE, NULL);
  } else if (g_str_equal (spec, "device")) {
    sink = make (self, "autoaudiosink", "sink", error);
  } else if (g_str_has_prefix (spec, "device:")) {
    if (!ja_media_device_check (JA_MEDIA_DEVICE_AUDIO_SINK, spec + 7, error))
      return NULL;
    sink = make (self, "pulsesink", "sink", error);
    if (sink != NULL)
      g_object_set (sink, "device", spec + 7, NULL);
  } else if (g_str_has_prefix (spec, "pipeline:")) {
    sink = parse (self, spec + 9, error);
  } else {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "unknown audio sink \"%s\"", spec);
    sink = NULL;
  }
  return sink;
}

/* funnel → tee → queue → sink, and tee → queue → wavenc → filesink. */
static gboolean
build_playback (JaMediaAudio *self, GError **error)
{
  GstElement *tee, *queue, *sink;
  g_autoptr (GstPad) funnel_src = NULL;

  if (!(self->funnel = make (self, "funnel", "mix", error))
      || !(tee = make (self, "tee", "split", error))
      || !(queue = make (self, "queue", "play-queue", error))
      || !(sink = build_sink (self, self->config.sink, error)))
    return FALSE;
  g_object_set (tee, "allow-not-linked", TRUE, NULL);
  if (!link_chain (error, self->funnel, tee, queue, sink, NULL))
    return FALSE;
  funnel_src = gst_element_get_static_pad (self->funnel, "src");
  gst_pad_add_probe (funnel_src, GST_PAD_PROBE_TYPE_BUFFER,
                     first_media_probe_cb, self, NULL);

  if (self->config.record_path != NULL) {
    GstElement *convert, *wav, *file;
    g_autoptr (GstPad) file_sink = NULL;

    if (!(self->record_queue
          = make (self, "queue", "record-queue", error))
        || !(convert
             = make (self, "audioconvert", "record-convert", error))
        || !(wav = make (self, "wavenc", "record-wav", error))
        || !(file = make (self, "filesink", "record-file", error)))
      return FALSE;
    g_object_set (file, "location", self->config.record_path, "async", FALSE,
                  "sync", FALSE, NULL);
    if (!link_chain (error, self->record_queue, convert, wav, file, NULL)
        || !link_pads (tee, "src_%u", self->record_queue, "sink", error))
      return FALSE;
    file_sink = gst_element_get_static_pad (file, "sink");
    ja_media_gst_watch_branch_end (file_sink, &self->lock, &self->record_cond,
                                   &self->record_eos);
  }
  return TRUE;
}

/* A new source is accepted with its first packet, not after two in
 * sequence (RTP probation): the first audio is not held for a frame. */
static void
rtpbin_element_added_cb (GstBin *bin, GstElement *element, gpointer user_data)
{
  GstElementFactory *f = gst_element_get_factory (element);

  if (f != NULL && g_strcmp0 (GST_OBJECT_NAME (f), "rtpsession") == 0)
    g_object_set (element, "probation", 0u, NULL);
}

static void
new_jitterbuffer_cb (GstElement *rtpbin, GstElement *jitterbuffer,
                     guint session, guint ssrc, gpointer user_data)
{
  JaMediaAudio *self = user_data;

  /* Start playing with the first packet instead of after the whole
   * latency: the first audio comes one latency sooner (later packets
   * still get the jitter buffer's latency). */
  g_object_set (jitterbuffer, "faststart-min-packets", 1u, NULL);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->jitterbuffers, gst_object_ref (jitterbuffer));
  g_mutex_unlock (&self->lock);
}

static gboolean
build_receive (JaMediaAudio *self, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);

  if (!(self->rtp_in = ja_media_gst_make_appsrc (bin, "rtp-in",
            "application/x-rtp", RECV_QUEUE_BYTES, error))
      || !(self->rtcp_in = ja_media_gst_make_appsrc (bin, "rtcp-in",
               "application/x-rtcp", RECV_QUEUE_BYTES, error)))
    return FALSE;
  if (self->config.receive && !build_playback (self, error))
    return FALSE;
  g_signal_connect (self->rtpbin, "request-pt-map",
                    G_CALLBACK (request_pt_map_cb), self);
  g_signal_connect (self->rtpbin, "new-jitterbuffer",
                    G_CALLBACK (new_jitterbuffer_cb), self);
  g_signal_connect (self->rtpbin, "pad-added", G_CALLBACK (rtpbin_pad_added_cb),
                    self);
  return link_pads (self->rtp_in, "src", self->rtpbin, "recv_rtp_sink_0", error)
         && link_pads (self->rtcp_in, "src", self->rtpbin, "recv_rtcp_sink_0",
                       error);
}

/* --- public API --------------------------------------------------------- */

void
ja_media_audio_config_copy (JaMediaAudioConfig *dst,
                            const JaMediaAudioConfig *src)
{
  *dst = *src;
  dst->source = g_strdup (src->source);
  dst->sink = g_strdup (src->sink);
  dst->record_path = g_strdup (src->record_path);
  dst->send_codec = g_strdup (src->send_codec);
  dst->mid = g_strdup (src->mid);
  for (guint i = 0; i < 128; i++)
    dst->recv_codecs[i] = g_strdup (src->recv_codecs[i]);
}

void
ja_media_audio_config_clear (JaMediaAudioConfig *c)
{
  g_free ((char *)c->source);
  g_free ((char *)c->sink);
  g_free ((char *)c->record_path);
  g_free ((char *)c->send_codec);
  g_free ((char *)c->mid);
  for (guint i = 0; i < 128; i++)
    g_free ((char *)c->recv_codecs[i]);
  memset (c, 0, sizeof *c);
}

Event *
ja_media_audio_dtmf_event_new (const JaMediaAudioConfig *config,
                               const JaRtpEventReport *rep)
{
  guint rate = config->dtmf_clock_rate ? config->dtmf_clock_rate : 8000;
  Event *ev = ja_media_audio_event_new (EV_DTMF);

  ev->digit = rep->digit;
  ev->duration_ms = (guint)((guint64)rep->duration * 1000 / rate);
  return ev;
}

void
ja_media_audio_set_kbps (JaRateWindow *rates, gint64 now_us,
                         JaMediaAudioStats *stats)
{
  guint64 counters[JA_RATE_WINDOW_COUNTERS] = { stats->bytes_sent,
                                                stats->bytes_received, 0 };
  double r[JA_RATE_WINDOW_COUNTERS];

  ja_rate_window_update (rates, now_us, counters, r);
  stats->send_kbps = r[0] * 8 / 1000.0;
  stats->recv_kbps = r[1] * 8 / 1000.0;
}

static void
free_memory (gpointer p)
{
  JaMediaAudio *self = p;

  ja_media_audio_config_clear (&self->config);
  g_ptr_array_unref (self->jitterbuffers);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->record_cond);
  g_free (self);
}

/* AUTO: native when it can carry the call, GStreamer otherwise. */
static gboolean
want_native (const JaMediaAudioConfig *config, GError **error)
{
  g_autoptr (GError) why = NULL;

  switch (config->engine) {
  case JA_MEDIA_AUDIO_ENGINE_GSTREAMER:
    return FALSE;
  case JA_MEDIA_AUDIO_ENGINE_NATIVE:
    return TRUE; /* ja_audio_native_new says what it cannot do */
  default:
    if (ja_audio_native_supports (config, &why))
      return TRUE;
    g_debug ("audio: GStreamer engine (%s)", why->message);
    return FALSE;
  }
}

static JaMediaAudio *
new_native (const JaMediaAudioConfig *config, const JaMediaAudioCallbacks *cb,
            gpointer user_data, GError **error)
{
  JaMediaAudio *self = g_new0 (JaMediaAudio, 1);

  self->native = ja_audio_native_new (config, cb, user_data, self, error);
  if (self->native == NULL) {
    g_free (self);
    return NULL;
  }
  return self;
}

JaMediaAudio *
ja_media_audio_new (const JaMediaAudioConfig *config,
                    const JaMediaAudioCallbacks *cb, gpointer user_data,
                    GError **error)
{
  JaMediaAudio *self;
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  if (want_native (config, error))
    return new_native (config, cb, user_data, error);
  if (!ja_media_gst_init (error))
    return NULL;

  self = g_new0 (JaMediaAudio, 1);
  ja_media_audio_config_copy (&self->config, config);
  if (cb != NULL)
    self->cb = *cb;
  self->user_data = user_data;
  g_mutex_init (&self->lock);
  g_cond_init (&self->record_cond);
  self->ssrc = config->local_ssrc ? config->local_ssrc : g_random_int ();
  self->context = g_main_context_ref_thread_default ();
  self->events = ja_media_events_new ("ja-media-audio", deliver_event,
                                     ja_media_audio_event_free, self);
  self->dtmf_pending = g_string_new (NULL);
  self->jitterbuffers = g_ptr_array_new_with_free_func (gst_object_unref);

  self->pipeline = gst_pipeline_new (NULL);
  /* The monotonic system clock, not a sound device's: the call's timeline
   * is the network's (RTP timestamps, the jitter buffer, RTCP), and with a
   * microphone and a speaker in one pipeline the pipeline would otherwise
   * run on the microphone's clock (pulsesrc, the most upstream provider),
   * which stalls and jumps with the capture: the speaker, slaved to it,
   * played half a second and then dropped everything as late (measured
   * with PulseAudio: tests/integration/test-cli-call-devices.sh). Devices
   * keep their own clocks and follow this one (pulsesink resamples). */
  {
    GstClock *clock = gst_system_clock_obtain ();  /* monotonic */

    gst_pipeline_use_clock (GST_PIPELINE (self->pipeline), clock);
    gst_object_unref (clock);
  }
  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, bus_sync_cb, self, NULL);
  self->rtpbin = make (self, "rtpbin", "rtpbin", error);
  if (self->rtpbin == NULL) {
    ja_media_audio_free (self);
    return NULL;
  }
  g_object_set (self->rtpbin, "latency", (guint)JITTER_LATENCY_MS, "do-lost",
                TRUE, NULL);
  g_signal_connect (self->rtpbin, "element-added",
                    G_CALLBACK (rtpbin_element_added_cb), NULL);

  if ((config->send && !build_send (self, error))
      || !build_receive (self, error) || !build_rtcp (self, error)) {
    g_prefix_error (error, "audio: ");
    ja_media_audio_free (self);
    return NULL;
  }
  return self;
}

gboolean
ja_media_audio_start (JaMediaAudio *audio, GError **error)
{
  g_return_val_if_fail (audio != NULL, FALSE);

  if (audio->native != NULL)
    return ja_audio_native_start (audio->native, error);
  if (gst_element_set_state (audio->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    g_set_error (
        error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
        "audio: the pipeline failed to start (source or sink unavailable)");
    return FALSE;
  }
  audio->started = TRUE;
  return TRUE;
}

/* A telephone-event packet: the digits it ends go to the creator. */
static void
receive_telephone_event (JaMediaAudio *self, guint32 ts, const JaRtpEvent *ev)
{
  JaRtpEventReport rep[2];
  guint n;

  g_mutex_lock (&self->lock);
  n = ja_rtp_event_receiver_feed (&self->rx_dtmf, ts, ev, rep);
  self->dtmf_received += n;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < n; i++)
    push_event (self, ja_media_audio_dtmf_event_new (&self->config, &rep[i]));
}

void
ja_media_audio_receive (JaMediaAudio *audio, const guint8 *data, gsize len)
{
  JaRtpHeader hdr;
  JaRtpEvent ev;

  g_return_if_fail (audio != NULL);
  if (audio->native != NULL) {
    ja_audio_native_receive (audio->native, data, len);
    return;
  }
  if (ja_rtp_is_rtcp (data, len)) {
    if (len >= 8)
      gst_app_src_push_buffer (GST_APP_SRC (audio->rtcp_in),
                               gst_buffer_new_memdup (data, len));
    return;
  }
  if (!ja_rtp_header_parse (data, len, &hdr))
    return; /* not RTP: the peer's problem, not worth a log line */
  g_mutex_lock (&audio->lock);
  audio->packets_received++;
  audio->bytes_received += len;
  g_mutex_unlock (&audio->lock);
  if (audio->config.dtmf_pt != 0 && hdr.pt == audio->config.dtmf_pt
      && ja_rtp_event_parse (data + hdr.payload_offset, hdr.payload_len, &ev))
    receive_telephone_event (audio, hdr.timestamp, &ev);
  gst_app_src_push_buffer (GST_APP_SRC (audio->rtp_in),
                           gst_buffer_new_memdup (data, len));
}

/* --- DTMF send ---------------------------------------------------------- */

static void
send_dtmf_event (JaMediaAudio *self, int number, gboolean start)
{
  GstStructure *s = gst_structure_new (
      "dtmf-event", "type", G_TYPE_INT, 1, "method", G_TYPE_INT, 1, "number",
      G_TYPE_INT, number, "volume", G_TYPE_INT, 10, "start", G_TYPE_BOOLEAN,
      start, NULL);

  g_autoptr (GstPad) pad = gst_element_get_static_pad (self->dtmf_src, "src");

  /* As if from downstream: rtpdtmfsrc takes its orders on its src pad. */
  gst_pad_send_event (pad, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM, s));
}

static void schedule_dtmf (JaMediaAudio *self, guint delay_ms);

static gboolean
dtmf_step_cb (gpointer user_data)
{
  JaMediaAudio *self = user_data;
  char digit;

  g_clear_pointer (&self->dtmf_timer, g_source_unref);
  if (self->dtmf_tone_on) {
    send_dtmf_event (self, 0, FALSE);
    self->dtmf_tone_on = FALSE;
    schedule_dtmf (self, DTMF_GAP_MS);
    return G_SOURCE_REMOVE;
  }
  if (self->dtmf_pending->len == 0)
    return G_SOURCE_REMOVE;
  digit = self->dtmf_pending->str[0];
  g_string_erase (self->dtmf_pending, 0, 1);
  if (digit == ',') {
    schedule_dtmf (self, DTMF_PAUSE_MS);
    return G_SOURCE_REMOVE;
  }
  send_dtmf_event (self, ja_rtp_event_from_digit (digit), TRUE);
  self->dtmf_tone_on = TRUE;
  g_mutex_lock (&self->lock);
  self->dtmf_sent++;
  g_mutex_unlock (&self->lock);
  schedule_dtmf (self, DTMF_TONE_MS);
  return G_SOURCE_REMOVE;
}

static void
schedule_dtmf (JaMediaAudio *self, guint delay_ms)
{
  self->dtmf_timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->dtmf_timer, dtmf_step_cb, self, NULL);
  g_source_attach (self->dtmf_timer, self->context);
}

gboolean
ja_media_audio_send_dtmf (JaMediaAudio *audio, const char *digits,
                          GError **error)
{
  g_return_val_if_fail (audio != NULL && digits != NULL, FALSE);

  if (audio->native != NULL)
    return ja_audio_native_send_dtmf (audio->native, digits, error);
  if (audio->dtmf_src == NULL) {
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
  g_string_append (audio->dtmf_pending, digits);
  if (audio->dtmf_timer == NULL)
    schedule_dtmf (audio, 0);
  return TRUE;
}

/* --- mute, stats, free -------------------------------------------------- */

gboolean
ja_media_audio_set_direct_send (JaMediaAudio *audio,
    JaMediaAudioSendFunc func, gpointer user_data)
{
  g_return_val_if_fail (audio != NULL, FALSE);

  if (audio->native == NULL)
    return FALSE;
  ja_audio_native_set_direct_send (audio->native, func, user_data);
  return TRUE;
}

GMainContext *
ja_media_audio_get_media_context (JaMediaAudio *audio)
{
  g_return_val_if_fail (audio != NULL, NULL);

  return audio->native != NULL
      ? ja_audio_native_get_media_context (audio->native) : NULL;
}

void
ja_media_audio_set_muted (JaMediaAudio *audio, gboolean muted)
{
  g_return_if_fail (audio != NULL);

  if (audio->native != NULL) {
    ja_audio_native_set_muted (audio->native, muted);
    return;
  }
  /* Muted, we keep sending (silence) so RTCP and the peer's jitter buffer
   * stay happy. */
  if (audio->volume != NULL)
    g_object_set (audio->volume, "mute", muted, NULL);
}

void
ja_media_audio_get_stats (JaMediaAudio *audio, JaMediaAudioStats *stats)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (audio != NULL && stats != NULL);
  if (audio->native != NULL) {
    ja_audio_native_get_stats (audio->native, stats);
    return;
  }
  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&audio->lock);
  stats->packets_sent = audio->packets_sent;
  stats->bytes_sent = audio->bytes_sent;
  stats->packets_received = audio->packets_received;
  stats->bytes_received = audio->bytes_received;
  stats->dtmf_sent = audio->dtmf_sent;
  stats->dtmf_received = audio->dtmf_received;
  g_mutex_unlock (&audio->lock);
  stats->packets_lost = ja_media_gst_jitterbuffers_lost (audio->jitterbuffers,
                                                          &audio->lock);

  ja_media_audio_set_kbps (&audio->rates, now, stats);
}

gpointer
ja_media_audio_peek_pipeline (JaMediaAudio *audio)
{
  g_return_val_if_fail (audio != NULL, NULL);

  return audio->pipeline;
}

gboolean
ja_media_audio_is_native (JaMediaAudio *audio)
{
  g_return_val_if_fail (audio != NULL, FALSE);

  return audio->native != NULL;
}

/* wavenc writes the RIFF sizes on EOS: push EOS into the recording branch only and wait
 * until the file sink has seen it (nothing to do before any data). */
static void
finish_recording (JaMediaAudio *self)
{
  if (self->record_queue == NULL || !self->started)
    return;
  if (!ja_media_gst_finish_branch (self->record_queue, &self->lock,
                                   &self->record_cond, &self->record_eos,
                                   RECORD_EOS_TIMEOUT_US))
    g_debug ("audio %08x: no recording finished (no data, or too slow)",
             self->ssrc);
}

void
ja_media_audio_free (JaMediaAudio *audio)
{
  if (audio == NULL)
    return;
  if (audio->native != NULL) {
    /* A native free inside its own callback defers its memory; the
     * wrapper is not touched again. */
    ja_audio_native_free (audio->native);
    g_free (audio);
    return;
  }
  if (audio->dtmf_timer != NULL) {
    g_source_destroy (audio->dtmf_timer);
    g_clear_pointer (&audio->dtmf_timer, g_source_unref);
  }
  g_string_free (audio->dtmf_pending, TRUE);
  audio->dtmf_pending = NULL;
  if (audio->pipeline != NULL) {
    g_autoptr (GstBus) bus = NULL;

    finish_recording (audio);
    gst_element_set_state (audio->pipeline, GST_STATE_NULL);
    bus = gst_pipeline_get_bus (GST_PIPELINE (audio->pipeline));
    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    g_clear_object (&audio->pipeline);
  }
  /* The streaming threads are gone: nothing pushes events any more. */
  g_main_context_unref (audio->context);
  ja_media_events_free (audio->events, free_memory);
}
