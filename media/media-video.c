/* media-video.c — the GStreamer video engine of one RTP video content
 * (XEP-0167 media side; VP8 payload per RFC 7741, H.264 per RFC 6184, RTP
 * per RFC 3550, rtcp-mux
 * per RFC 5761 §4, AVPF feedback per RFC 4585 (NACK, PLI) and RFC 5104
 * (FIR), retransmission per RFC 4588). One pipeline holds both directions
 * around one rtpbin session:
 *   send:    source → videoconvert → videoscale → videorate → I420 caps
 *            → encoder → payloader → rtpbin [rtprtxsend] → appsinks
 *   receive: appsrc (RTP) / appsrc (RTCP) → rtpbin [rtprtxreceive, jitter
 *            buffer] → depayloader → funnel → [parser →] decoder → sink;
 *            recording: funnel → tee → queue → [parser →] decoder → sink,
 *            tee → queue → [parser →] webmmux / matroskamux
 * Streaming threads never call the user: what they report goes through one
 * event queue drained by a GSource on the creator's thread-default context
 * (the media-audio.c contract). Owns the pipeline; the caller owns the
 * JaMediaVideo. */
#include "media/media-video.h"

#include <stdio.h>
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtp/gstrtcpbuffer.h>
#include <gst/video/video.h>

#include "media/bitrate-ctl.h"
#include "media/media-devices.h"
#include "media/media-error.h"
#include "media/media-events.h"
#include "media/rate-window.h"
#include "media/media-gst.h"
#include "media/rtp-event.h"
#include "media/video-keyframe.h"

/* What an appsrc of received RTP/RTCP holds before it blocks the sender. */
#define RECV_QUEUE_BYTES ((guint64)4 * 1024 * 1024)

/* Video frames span many packets and a retransmission needs a round trip:
 * more jitter buffer than audio's 60 ms. */
#define JITTER_LATENCY_MS 200
#define RTP_MTU 1200
#define RTP_VIDEO_CLOCK 90000 /* RFC 7741 §6.1 */
#define RECORD_EOS_TIMEOUT_US (3 * G_TIME_SPAN_SECOND)
#define SNAPSHOT_TIMEOUT (5 * GST_SECOND)
#define DEFAULT_CPU_USED 8
#define KEYFRAME_DIST_SECONDS 10
#define RTCP_FRACTION 0.2 /* of the session bandwidth, see connect_feedback */
#define RTCP_REPORT_INTERVAL GST_SECOND
#define NACK_LOSS_INTERVAL_US G_TIME_SPAN_SECOND
#define H264_MIN_KEY_INTERVAL (GST_SECOND / 2)

typedef enum {
  EV_RTP,
  EV_FIRST_FRAME,
  EV_SOURCE_EOS,
  EV_ERROR,
} EventType;

typedef struct {
  EventType type;
  GBytes *bytes;       /* EV_RTP */
  guint width, height; /* EV_FIRST_FRAME */
  GError *error;       /* EV_ERROR */
} Event;

struct _JaMediaVideo {
  JaMediaVideoConfig config; /* strings owned (duplicated) */
  JaMediaVideoCallbacks cb;
  gpointer user_data;

  JaMediaEvents *events; /* to the creator's context */

  GstElement *pipeline;
  GstElement *rtpbin;
  const struct VideoCodec *codec;      /* what we send */
  const struct VideoCodec *recv_codec; /* what we decode */
  GstElement *encoder;
  GstElement *rtp_in, *rtcp_in; /* appsrcs */
  GstElement *funnel;           /* NULL when not receiving */
  GstElement *record_queue;
  GPtrArray *jitterbuffers; /* GstElement*, owned; under lock */
  gboolean started;
  guint32 ssrc, rtx_ssrc;
  gboolean recv_rtx; /* some recv pt has an RTX partner */

  GMutex lock; /* guards the fields below */
  guint64 packets_sent, bytes_sent;
  guint64 packets_received, bytes_received;
  guint64 frames_sent, frames_decoded;
  guint64 keyframes_sent, keyframes_received;
  guint64 nacks_sent, nacks_received, plis_sent, plis_received;
  guint64 rtx_sent, rtx_received;
  guint width, height;
  GstBuffer *last_frame; /* the latest decoded frame, with its caps */
  GstCaps *last_caps;
  gboolean first_frame;
  gboolean error_reported;
  gboolean have_key_ts_sent, have_key_ts_recv;
  JaBitrateCtl bitrate;  /* from the peer's RTCP (bitrate-ctl.c) */
  guint target_kbps;     /* what the encoder was last told */
  /* The SSRC our media goes out with: rtpsession may have changed ours
   * after an SSRC collision (RFC 3550 §8.2); the peer's reports name it. */
  guint32 wire_ssrc;
  gboolean have_report_seq, report_in_interval;
  guint32 report_seq;    /* highest seq of the last report block used */
  gint32 report_lost;    /* and its cumulative lost */
  gint64 interval_start; /* NACK-based loss: this second's counts */
  guint64 sent_at_interval, nacked_in_interval;
  guint32 key_ts_sent, key_ts_recv; /* RTP time of the last keyframe */
  gboolean record_eos;
  gboolean record_failed;     /* the recording branch gave up */
  GstClockTime record_last_ts; /* the last timestamp the muxer took */
  GCond record_cond;

  /* Rate snapshot (get_stats). */
  JaRateWindow rates; /* bytes sent, received, frames decoded */
};

/* --- events: streaming threads → creator's context --------------------- */

static void
event_free (gpointer p)
{
  Event *ev = p;

  g_clear_pointer (&ev->bytes, g_bytes_unref);
  g_clear_error (&ev->error);
  g_free (ev);
}

static void
push_event (JaMediaVideo *self, Event *ev)
{
  ja_media_events_push (self->events, ev);
}

static void
deliver_event (gpointer owner, gpointer p)
{
  JaMediaVideo *self = owner;
  const Event *ev = p;

  switch (ev->type) {
  case EV_RTP:
    if (self->cb.send_rtp != NULL) {
      gsize len;
      const guint8 *data = g_bytes_get_data (ev->bytes, &len);

      self->cb.send_rtp (self, data, len, self->user_data);
    }
    break;
  case EV_FIRST_FRAME:
    if (self->cb.first_frame != NULL)
      self->cb.first_frame (self, ev->width, ev->height, self->user_data);
    break;
  case EV_SOURCE_EOS:
    if (self->cb.source_eos != NULL)
      self->cb.source_eos (self, self->user_data);
    break;
  case EV_ERROR:
    if (self->cb.error != NULL)
      self->cb.error (self, ev->error, self->user_data);
    break;
  }
}

/* --- helpers ------------------------------------------------------------ */

/* --- codecs --------------------------------------------------------------
 * One row per codec we run: its elements, how its encoder is set up, and
 * whether WebM may hold it. The payloader's own settings are in
 * configure_payloader. */

static void configure_vp8 (JaMediaVideo *self, GstElement *enc, guint fps);
static void configure_h264 (JaMediaVideo *self, GstElement *enc, guint fps);
static void set_vp8_bitrate (GstElement *enc, guint kbps);
static void set_h264_bitrate (GstElement *enc, guint kbps);

typedef struct VideoCodec {
  const char *name; /* encoding name (XEP-0167 / SDP) */
  JaVideoCodecId id;
  const char *encoder, *payloader, *depayloader;
  const char *parser; /* nullable: between depayloader and decoder/muxer */
  const char *decoder;
  void (*configure) (JaMediaVideo *self, GstElement *enc, guint fps);
  void (*set_bitrate) (GstElement *enc, guint kbps); /* also while playing */
  gboolean webm; /* WebM takes it (VP8, VP9, AV1); Matroska takes all */
} VideoCodec;

static const VideoCodec codecs[] = {
  { "VP8", JA_VIDEO_VP8, "vp8enc", "rtpvp8pay", "rtpvp8depay", NULL, "vp8dec",
    configure_vp8, set_vp8_bitrate, TRUE },
  { "H264", JA_VIDEO_H264, "openh264enc", "rtph264pay", "rtph264depay",
    "h264parse", "openh264dec", configure_h264, set_h264_bitrate, FALSE },
};

static const VideoCodec *
find_codec (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].name, name) == 0)
      return &codecs[i];
  return NULL;
}

/* Counts a keyframe once per RTP timestamp (a keyframe spans packets, an
 * H.264 one may hold several IDR slices). Under self->lock. */
static gboolean
note_keyframe (const VideoCodec *codec, const guint8 *data, gsize len,
               gboolean *have_ts, guint32 *last_ts)
{
  JaRtpHeader hdr;

  if (codec == NULL || !ja_rtp_header_parse (data, len, &hdr)
      || !ja_video_payload_starts_keyframe (codec->id, data + hdr.payload_offset,
                                            hdr.payload_len)
      || (*have_ts && *last_ts == hdr.timestamp))
    return FALSE;
  *have_ts = TRUE;
  *last_ts = hdr.timestamp;
  return TRUE;
}

/* --- bus ---------------------------------------------------------------- */

static GstBusSyncReply
bus_sync_cb (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  JaMediaVideo *self = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
      && g_str_has_prefix (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
                           "record-")) {
    /* The recording failed (a muxer that refuses a stream, a full disk):
     * the call goes on; record_gate_probe_cb drops what comes next. */
    g_autoptr (GError) err = ja_media_gst_error_from_message (msg);

    g_mutex_lock (&self->lock);
    self->record_failed = TRUE;
    g_mutex_unlock (&self->lock);
    g_debug ("video %08x: recording stopped: %s", self->ssrc, err->message);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gboolean first;

    g_mutex_lock (&self->lock);
    first = !self->error_reported;
    self->error_reported = TRUE;
    g_mutex_unlock (&self->lock);
    if (first) {
      Event *ev = g_new0 (Event, 1);

      ev->type = EV_ERROR;
      ev->error = ja_media_gst_error_from_message (msg);
      g_debug ("video %08x: %s", self->ssrc, ev->error->message);
      push_event (self, ev);
    }
  }
  /* No bus watch: nothing may pile up on the bus. A sync handler that
   * drops a message owns it. */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

/* --- send side ---------------------------------------------------------- */

/* The source, ending in raw video on `convert`'s sink. */
static gboolean
build_source (JaMediaVideo *self, GstElement *convert, GError **error)
{
  const char *spec = self->config.source ? self->config.source : "test";
  GstElement *src;

  if (g_str_equal (spec, "test")) {
    src = ja_media_gst_make (GST_BIN (self->pipeline), "videotestsrc", "source",
                             error);
    if (src == NULL)
      return FALSE;
    g_object_set (src, "is-live", TRUE, NULL);
    gst_util_set_object_arg (G_OBJECT (src), "pattern", "smpte");
  } else if (g_str_has_prefix (spec, "file:")) {
    GstElement *filesrc, *decode, *sync;

    if (!(filesrc = ja_media_gst_make (GST_BIN (self->pipeline), "filesrc",
                                       "file", error))
        || !(decode = ja_media_gst_make (GST_BIN (self->pipeline), "decodebin",
                                         "decode", error))
        || !(sync = ja_media_gst_make (GST_BIN (self->pipeline), "clocksync",
                                       "pace", error)))
      return FALSE;
    g_object_set (filesrc, "location", spec + 5, NULL);
    /* A file decodes faster than real time: pace it to the clock. */
    ja_media_gst_link_decoded (decode, sync, "video/");
    return ja_media_gst_link_pads (filesrc, NULL, decode, NULL, error)
           && ja_media_gst_link_pads (sync, NULL, convert, NULL, error);
  } else if (g_str_equal (spec, "device")
             || g_str_has_prefix (spec, "device:")) {
    if (spec[6] == ':'
        && !ja_media_device_check (JA_MEDIA_DEVICE_VIDEO_SOURCE, spec + 7,
                                   error))
      return FALSE;
    src = ja_media_gst_make (GST_BIN (self->pipeline), "v4l2src", "source",
                             error);
    if (src == NULL)
      return FALSE;
    if (spec[6] == ':')
      g_object_set (src, "device", spec + 7, NULL);
  } else if (g_str_has_prefix (spec, "pipeline:")) {
    src = ja_media_gst_parse_bin (GST_BIN (self->pipeline), spec + 9, error);
    if (src == NULL)
      return FALSE;
  } else {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "unknown video source \"%s\"", spec);
    return FALSE;
  }
  return ja_media_gst_link_pads (src, NULL, convert, NULL, error);
}

/* Counts the feedback packets (RFC 4585 §6.1) in a compound RTCP packet we
 * send (our own bytes, from rtpsession). */
static void
count_sent_feedback (JaMediaVideo *self, GstBuffer *buf)
{
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  gboolean more;
  guint nacks = 0, plis = 0;

  if (!gst_rtcp_buffer_map (buf, GST_MAP_READ, &rtcp))
    return;
  for (more = gst_rtcp_buffer_get_first_packet (&rtcp, &packet); more;
       more = gst_rtcp_packet_move_to_next (&packet)) {
    GstRTCPType type = gst_rtcp_packet_get_type (&packet);
    GstRTCPFBType fb;

    if (type != GST_RTCP_TYPE_RTPFB && type != GST_RTCP_TYPE_PSFB)
      continue;
    fb = gst_rtcp_packet_fb_get_type (&packet);
    if (type == GST_RTCP_TYPE_RTPFB && fb == GST_RTCP_RTPFB_TYPE_NACK)
      nacks++;
    else if (type == GST_RTCP_TYPE_PSFB
             && (fb == GST_RTCP_PSFB_TYPE_PLI || fb == GST_RTCP_PSFB_TYPE_FIR))
      plis++;
  }
  gst_rtcp_buffer_unmap (&rtcp);
  g_mutex_lock (&self->lock);
  self->nacks_sent += nacks;
  self->plis_sent += plis;
  g_mutex_unlock (&self->lock);
}

static GstFlowReturn
appsink_sample_cb (GstAppSink *sink, gpointer user_data, gboolean rtcp)
{
  JaMediaVideo *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf;
  GstMapInfo map;
  Event *ev;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buf = gst_sample_get_buffer (sample);
  if (buf == NULL)
    return GST_FLOW_OK;
  if (rtcp)
    count_sent_feedback (self, buf);
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  ev = g_new0 (Event, 1);
  ev->type = EV_RTP;
  ev->bytes = g_bytes_new (map.data, map.size);
  if (!rtcp) {
    gboolean rtx = self->config.send_rtx_pt != 0 && map.size >= 2
                   && (map.data[1] & 0x7f) == self->config.send_rtx_pt;

    g_mutex_lock (&self->lock);
    self->packets_sent++;
    self->bytes_sent += map.size;
    if (rtx)
      self->rtx_sent++;
    else {
      if (map.size >= 12) {
        guint32 wire = ((guint32)map.data[8] << 24)
                       | ((guint32)map.data[9] << 16)
                       | ((guint32)map.data[10] << 8) | map.data[11];

        if (wire != self->wire_ssrc && wire != self->ssrc)
          g_debug ("video %08x: our RTP leaves with SSRC %08x", self->ssrc,
                   wire);
        self->wire_ssrc = wire;
      }
      if (note_keyframe (self->codec, map.data, map.size,
                         &self->have_key_ts_sent, &self->key_ts_sent))
        self->keyframes_sent++;
    }
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
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    Event *ev = g_new0 (Event, 1);

    ev->type = EV_SOURCE_EOS;
    push_event (user_data, ev);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
encoded_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  JaMediaVideo *self = user_data;

  g_mutex_lock (&self->lock);
  self->frames_sent++;
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

static guint
configured_kbps (const JaMediaVideoConfig *c)
{
  return c->bitrate_kbps ? c->bitrate_kbps : JA_MEDIA_VIDEO_DEFAULT_KBPS;
}

static guint
keyframe_distance (const JaMediaVideoConfig *c, guint fps)
{
  return c->keyframe_max_dist ? c->keyframe_max_dist
                              : fps * KEYFRAME_DIST_SECONDS;
}

static void
set_vp8_bitrate (GstElement *enc, guint kbps)
{
  g_object_set (enc, "target-bitrate", (int)(kbps * 1000), NULL);
}

static void
set_h264_bitrate (GstElement *enc, guint kbps)
{
  g_object_set (enc, "bitrate", (guint)(kbps * 1000), NULL);
}

static void
configure_vp8 (JaMediaVideo *self, GstElement *enc, guint fps)
{
  const JaMediaVideoConfig *c = &self->config;
  guint kbps = configured_kbps (c);

  /* Realtime: one frame in, one frame out (no look-ahead), a deadline of
   * "as fast as possible", CBR so the rate follows the configured one. */
  g_object_set (enc, "deadline", (gint64)1, "cpu-used",
                c->cpu_used ? c->cpu_used : DEFAULT_CPU_USED, "lag-in-frames",
                0, "keyframe-max-dist", (int)keyframe_distance (c, fps), NULL);
  set_vp8_bitrate (enc, kbps);
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  /* Each frame decodable after a loss of earlier partitions (RFC 7741
   * §4.4 recovery); keyframes come on PLI, not on a short interval. */
  gst_util_set_object_arg (G_OBJECT (enc), "error-resilient", "default");
  gst_util_set_object_arg (G_OBJECT (enc), "keyframe-mode", "auto");
}

/* openh264 (constrained baseline, no B frames: no reordering delay): its
 * rate control aims at the bitrate, one slice per frame (the payloader
 * fragments it, FU-A), lowest complexity (fastest), an IDR every 10 s and
 * on PLI/FIR (force-key-unit, handled by GstVideoEncoder). */
static void
configure_h264 (JaMediaVideo *self, GstElement *enc, guint fps)
{
  const JaMediaVideoConfig *c = &self->config;

  set_h264_bitrate (enc, configured_kbps (c));
  /* An IDR is many packets: under heavy loss each PLI's IDR loses some
   * and asks for the next (measured: 44 PLIs, 34 IDRs, 38 frames in 8 s at
   * 17 % loss under ASan). At most two forced IDRs a second. */
  g_object_set (enc, "min-force-key-unit-interval",
                (guint64)H264_MIN_KEY_INTERVAL, NULL);
  g_object_set (enc, "gop-size", (guint)keyframe_distance (c, fps),
                "multi-thread",
                (guint)1, "enable-frame-skip", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "rate-control", "bitrate");
  gst_util_set_object_arg (G_OBJECT (enc), "complexity", "low");
  gst_util_set_object_arg (G_OBJECT (enc), "usage-type", "camera");
}

/* The payloader's settings, all here (payload type, SSRC, MTU, what each
 * payload format needs, the XEP-0294 header extensions). */
static gboolean
configure_payloader (JaMediaVideo *self, GstElement *pay, GError **error)
{
  g_object_set (pay, "pt", (guint)self->config.send_pt, "ssrc", self->ssrc,
                "mtu", (guint)RTP_MTU, NULL);
  switch (self->codec->id) {
  case JA_VIDEO_VP8:
    /* RFC 7741 §4.2: 15-bit picture ids let the receiver spot lost
     * frames. */
    gst_util_set_object_arg (G_OBJECT (pay), "picture-id-mode", "15-bit");
    break;
  case JA_VIDEO_H264:
    /* RFC 6184 §8.4: parameter sets in band, in a STAP-A before every IDR,
     * so that a receiver joining or recovering by PLI can decode it. */
    g_object_set (pay, "config-interval", -1, NULL);
    gst_util_set_object_arg (G_OBJECT (pay), "aggregate-mode",
                             "zero-latency");
    break;
  }
  /* XEP-0294: the BUNDLE MID on every packet (rtprtxsend copies it into
   * its retransmissions). */
  return ja_media_gst_add_hdrexts (pay, self->config.hdrext_mid_id,
                                   self->config.mid, 0, error);
}

/* RFC 4588 §8.2 (SSRC multiplexing): rtpbin puts this bin in front of the
 * session; rtprtxsend keeps recent packets and resends the ones a NACK
 * names, in send_rtx_pt on rtx_ssrc. */
static GstElement *
request_aux_sender_cb (GstElement *rtpbin, guint session, gpointer user_data)
{
  JaMediaVideo *self = user_data;
  GstElement *bin, *rtx;
  GstStructure *map;
  g_autofree char *pt = NULL, *ssrc = NULL, *src = NULL, *sink = NULL;
  g_autoptr (GstPad) rtx_src = NULL, rtx_sink = NULL;

  if (self->config.send_rtx_pt == 0 || !self->config.send)
    return NULL;
  rtx = gst_element_factory_make ("rtprtxsend", NULL);
  if (rtx == NULL)
    return NULL;
  pt = g_strdup_printf ("%u", self->config.send_pt);
  ssrc = g_strdup_printf ("%u", self->ssrc);
  map = gst_structure_new ("application/x-rtp-pt-map", pt, G_TYPE_UINT,
                           (guint)self->config.send_rtx_pt, NULL);
  g_object_set (rtx, "payload-type-map", map, NULL);
  gst_structure_free (map);
  map = gst_structure_new ("application/x-rtp-ssrc-map", ssrc, G_TYPE_UINT,
                           self->rtx_ssrc, NULL);
  g_object_set (rtx, "ssrc-map", map, NULL);
  gst_structure_free (map);
  /* About a second of packets at 1 Mbit/s: longer than the receiver's
   * jitter buffer, so whatever it may still ask for is there. */
  g_object_set (rtx, "max-size-time", (guint)1000, NULL);

  bin = gst_bin_new (NULL);
  gst_bin_add (GST_BIN (bin), rtx);
  src = g_strdup_printf ("src_%u", session);
  sink = g_strdup_printf ("sink_%u", session);
  rtx_src = gst_element_get_static_pad (rtx, "src");
  rtx_sink = gst_element_get_static_pad (rtx, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new (src, rtx_src));
  gst_element_add_pad (bin, gst_ghost_pad_new (sink, rtx_sink));
  return bin;
}

static gboolean
build_send (JaMediaVideo *self, GError **error)
{
  const JaMediaVideoConfig *c = &self->config;
  GstElement *convert, *scale, *rate, *filter, *pay, *rtp_out;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstPad) pay_src = NULL, enc_src = NULL;
  guint fps = c->fps ? c->fps : JA_MEDIA_VIDEO_DEFAULT_FPS;

  if (!(convert = ja_media_gst_make (GST_BIN (self->pipeline), "videoconvert",
                                     "send-convert", error))
      || !(scale = ja_media_gst_make (GST_BIN (self->pipeline), "videoscale",
                                      "send-scale", error))
      || !(rate = ja_media_gst_make (GST_BIN (self->pipeline), "videorate",
                                     "send-rate", error))
      || !(filter = ja_media_gst_make (GST_BIN (self->pipeline), "capsfilter",
                                       "send-caps", error))
      || !(self->encoder = ja_media_gst_make (GST_BIN (self->pipeline),
                                              self->codec->encoder, "encoder",
                                              error))
      || !(pay = ja_media_gst_make (GST_BIN (self->pipeline),
                                    self->codec->payloader, "payloader",
                                    error))
      || !(rtp_out = ja_media_gst_make_appsink (GST_BIN (self->pipeline),
                     "rtp-out", rtp_sample_cb, self, error)))
    return FALSE;

  caps = gst_caps_new_simple (
      "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT,
      (int)(c->width ? c->width : JA_MEDIA_VIDEO_DEFAULT_WIDTH), "height",
      G_TYPE_INT, (int)(c->height ? c->height : JA_MEDIA_VIDEO_DEFAULT_HEIGHT),
      "framerate", GST_TYPE_FRACTION, (int)fps, 1, "pixel-aspect-ratio",
      GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (filter, "caps", caps, NULL);
  self->codec->configure (self, self->encoder, fps);
  if (!configure_payloader (self, pay, error))
    return FALSE;

  if (!ja_media_gst_link_chain (error, convert, scale, rate, filter,
                                self->encoder, pay, NULL)
      || !build_source (self, convert, error))
    return FALSE;

  enc_src = gst_element_get_static_pad (self->encoder, "src");
  gst_pad_add_probe (enc_src, GST_PAD_PROBE_TYPE_BUFFER, encoded_probe_cb, self,
                     NULL);
  pay_src = gst_element_get_static_pad (pay, "src");
  gst_pad_add_probe (pay_src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     source_eos_probe_cb, self, NULL);
  return ja_media_gst_link_pads (pay, "src", self->rtpbin, "send_rtp_sink_0",
                                 error)
         && ja_media_gst_link_pads (self->rtpbin, "send_rtp_src_0", rtp_out,
                                    "sink", error);
}

/* RTCP goes out whether or not we send media: a receive-only party still
 * owes the sender its receiver reports (RFC 3550 §6), NACKs and PLIs. */
static gboolean
build_rtcp (JaMediaVideo *self, GError **error)
{
  GstElement *rtcp_out = ja_media_gst_make_appsink (
      GST_BIN (self->pipeline), "rtcp-out", rtcp_sample_cb, self, error);

  return rtcp_out != NULL
         && ja_media_gst_link_pads (self->rtpbin, "send_rtcp_src_0", rtcp_out,
                                    "sink", error);
}

/* Feedback the peer sent us (RFC 4585 §6): rtpsession acts on it (NACK →
 * rtprtxsend, PLI/FIR → force-key-unit to the encoder); we count it. */
static void
on_feedback_rtcp_cb (GObject *session, guint type, guint fbtype,
                     guint sender_ssrc, guint media_ssrc, GstBuffer *fci,
                     gpointer user_data)
{
  JaMediaVideo *self = user_data;

  /* A FIR's media SSRC is 0, the target is in its FCI (RFC 5104
   * §4.3.1.2); rtpsession checks that itself before it forces a keyframe.
   * We are the only sender of this session. */
  g_mutex_lock (&self->lock);
  if (media_ssrc != self->ssrc && media_ssrc != self->wire_ssrc
      && !(type == GST_RTCP_TYPE_PSFB && fbtype == GST_RTCP_PSFB_TYPE_FIR)) {
    g_mutex_unlock (&self->lock);
    return;
  }
  if (type == GST_RTCP_TYPE_RTPFB && fbtype == GST_RTCP_RTPFB_TYPE_NACK)
    self->nacks_received++;
  else if (type == GST_RTCP_TYPE_PSFB
           && (fbtype == GST_RTCP_PSFB_TYPE_PLI
               || fbtype == GST_RTCP_PSFB_TYPE_FIR))
    self->plis_received++;
  g_mutex_unlock (&self->lock);
}

/* --- receive side ------------------------------------------------------- */

static GstCaps *
request_pt_map_cb (GstElement *rtpbin, guint session, guint pt,
                   gpointer user_data)
{
  JaMediaVideo *self = user_data;
  const JaMediaVideoConfig *c = &self->config;

  if (pt >= 128)
    return NULL;
  if (c->recv_rtx_apt[pt] != 0)
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING,
                                "video", "encoding-name", G_TYPE_STRING, "RTX",
                                "clock-rate", G_TYPE_INT, RTP_VIDEO_CLOCK,
                                "payload", G_TYPE_INT, (int)pt, "apt",
                                G_TYPE_INT, (int)c->recv_rtx_apt[pt], NULL);
  if (find_codec (c->recv_codecs[pt]) == NULL)
    return NULL; /* rtpbin drops payload types we did not offer */
  return gst_caps_new_simple (
      "application/x-rtp", "media", G_TYPE_STRING, "video", "encoding-name",
      G_TYPE_STRING, find_codec (c->recv_codecs[pt])->name, "clock-rate", G_TYPE_INT, RTP_VIDEO_CLOCK,
      "payload", G_TYPE_INT, (int)pt, "rtcp-fb-nack-pli", G_TYPE_BOOLEAN, TRUE,
      "rtcp-fb-ccm-fir", G_TYPE_BOOLEAN, TRUE, "rtcp-fb-nack", G_TYPE_BOOLEAN,
      TRUE, NULL);
}

/* RFC 4588: rtprtxreceive sits between the session and the jitter buffers
 * and turns retransmissions back into the packets they repair. */
static GstElement *
request_aux_receiver_cb (GstElement *rtpbin, guint session, gpointer user_data)
{
  JaMediaVideo *self = user_data;
  GstElement *bin, *rtx;
  GstStructure *map;
  g_autofree char *src = NULL, *sink = NULL;
  g_autoptr (GstPad) rtx_src = NULL, rtx_sink = NULL;

  if (!self->recv_rtx)
    return NULL;
  rtx = gst_element_factory_make ("rtprtxreceive", NULL);
  if (rtx == NULL)
    return NULL;
  map = gst_structure_new_empty ("application/x-rtp-pt-map");
  for (guint pt = 0; pt < 128; pt++)
    if (self->config.recv_rtx_apt[pt] != 0) {
      g_autofree char *key
          = g_strdup_printf ("%u", self->config.recv_rtx_apt[pt]);

      gst_structure_set (map, key, G_TYPE_UINT, pt, NULL);
    }
  g_object_set (rtx, "payload-type-map", map, NULL);
  gst_structure_free (map);

  bin = gst_bin_new (NULL);
  gst_bin_add (GST_BIN (bin), rtx);
  src = g_strdup_printf ("src_%u", session);
  sink = g_strdup_printf ("sink_%u", session);
  rtx_src = gst_element_get_static_pad (rtx, "src");
  rtx_sink = gst_element_get_static_pad (rtx, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new (src, rtx_src));
  gst_element_add_pad (bin, gst_ghost_pad_new (sink, rtx_sink));
  return bin;
}

/* Every decoded frame: counted, kept for snapshots, the first reported.
 * The caps are parsed only when they change. */
static GstPadProbeReturn
decoded_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  JaMediaVideo *self = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstVideoInfo vinfo;
  Event *ev = NULL;

  if (caps == NULL)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&self->lock);
  if (caps != self->last_caps) {
    if (!gst_video_info_from_caps (&vinfo, caps)) {
      g_mutex_unlock (&self->lock);
      return GST_PAD_PROBE_OK;
    }
    self->width = (guint)GST_VIDEO_INFO_WIDTH (&vinfo);
    self->height = (guint)GST_VIDEO_INFO_HEIGHT (&vinfo);
    gst_caps_replace (&self->last_caps, caps);
  }
  self->frames_decoded++;
  gst_buffer_replace (&self->last_frame, buf);
  if (!self->first_frame) {
    self->first_frame = TRUE;
    ev = g_new0 (Event, 1);
    ev->type = EV_FIRST_FRAME;
    ev->width = self->width;
    ev->height = self->height;
  }
  g_mutex_unlock (&self->lock);
  if (ev != NULL)
    push_event (self, ev);
  return GST_PAD_PROBE_OK;
}

static void
rtpbin_pad_added_cb (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  JaMediaVideo *self = user_data;
  guint session, ssrc, pt;
  GstElement *depay;

  if (sscanf (GST_PAD_NAME (pad), "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt)
          != 3
      || pt >= 128)
    return;
  g_debug ("video %08x: receiving ssrc %08x pt %u", self->ssrc, ssrc, pt);
  /* One decoder: the packets of another negotiated codec are dropped. */
  if (find_codec (self->config.recv_codecs[pt]) != self->recv_codec
      || self->funnel == NULL
      || (depay = gst_element_factory_make (self->recv_codec->depayloader,
                                            NULL))
             == NULL) {
    GstElement *sink = gst_element_factory_make ("fakesink", NULL);

    g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
    ja_media_gst_plug_chain (GST_BIN (self->pipeline), pad, NULL, &sink, 1);
    return;
  }
  {
    g_autoptr (GstPad) funnel_pad
        = gst_element_request_pad_simple (self->funnel, "sink_%u");

    /* After a loss the retransmissions could not repair: drop frames up to
     * the next keyframe (no smeared picture) and ask for one (upstream
     * force-key-unit, which rtpsession sends as a PLI). */
    g_object_set (depay, "wait-for-keyframe", TRUE, "request-keyframe", TRUE,
                  NULL);
    if (!ja_media_gst_plug_chain (GST_BIN (self->pipeline), pad, funnel_pad,
                                  &depay, 1))
      g_debug ("video %08x: cannot link %s", self->ssrc, GST_PAD_NAME (pad));
  }
}

/* In front of the muxer: after losses a frame can come with no timestamp
 * or one older than the last, which Matroska/WebM refuse with an error:
 * drop those. */
static GstPadProbeReturn
record_ts_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  JaMediaVideo *self = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime ts = GST_BUFFER_DTS_OR_PTS (buf);
  gboolean drop;

  g_mutex_lock (&self->lock);
  drop = !GST_CLOCK_TIME_IS_VALID (ts)
         || (GST_CLOCK_TIME_IS_VALID (self->record_last_ts)
             && ts <= self->record_last_ts);
  if (!drop)
    self->record_last_ts = ts;
  g_mutex_unlock (&self->lock);
  return drop ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* Once the recording failed, nothing enters its queue, whose stored error
 * would otherwise go back up the tee and stop the call's decoding. */
static GstPadProbeReturn
record_failed_probe_cb (GstPad *pad, GstPadProbeInfo *info,
                        gpointer user_data)
{
  JaMediaVideo *self = user_data;
  gboolean failed;

  g_mutex_lock (&self->lock);
  failed = self->record_failed;
  g_mutex_unlock (&self->lock);
  return failed ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* The sink after the decoder; `device` converts to what the display takes. */
static gboolean
build_sink (JaMediaVideo *self, GstElement *decoder, GError **error)
{
  const char *spec = self->config.sink;
  GstElement *sink, *convert;

  if (spec == NULL || g_str_equal (spec, "none")) {
    sink = ja_media_gst_make (GST_BIN (self->pipeline), "fakesink", "sink",
                              error);
    if (sink == NULL)
      return FALSE;
    g_object_set (sink, "sync", TRUE, "async", FALSE, "enable-last-sample",
                  FALSE, NULL);
    return ja_media_gst_link_chain (error, decoder, sink, NULL);
  }
  if (g_str_equal (spec, "device"))
    sink = ja_media_gst_make (GST_BIN (self->pipeline), "autovideosink", "sink",
                              error);
  else if (g_str_has_prefix (spec, "pipeline:"))
    sink = ja_media_gst_parse_bin (GST_BIN (self->pipeline), spec + 9, error);
  else {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "unknown video sink \"%s\"", spec);
    return FALSE;
  }
  if (sink == NULL
      || !(convert = ja_media_gst_make (GST_BIN (self->pipeline),
                                        "videoconvert", "play-convert", error)))
    return FALSE;
  return ja_media_gst_link_chain (error, decoder, convert, sink, NULL);
}

/* The recording's muxer, by the file name: Matroska (.mkv) takes every
 * codec, WebM (any other name, the default) only VP8. */
static GstElement *
make_record_mux (JaMediaVideo *self, GError **error)
{
  const char *path = self->config.record_path;
  gboolean mkv = g_str_has_suffix (path, ".mkv") || g_str_has_suffix (path,
                                                                      ".MKV");

  if (!mkv && !self->recv_codec->webm) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "cannot record %s into WebM (%s): WebM holds VP8 only; name "
                 "the file .mkv (Matroska)",
                 self->recv_codec->name, path);
    return NULL;
  }
  return ja_media_gst_make (GST_BIN (self->pipeline),
                            mkv ? "matroskamux" : "webmmux", "record-mux",
                            error);
}

/* The codec's parser (if any) in front of next: what to link into. */
static GstElement *
parsed_input (JaMediaVideo *self, GstElement *next, const char *name,
              GError **error)
{
  GstElement *parser;

  if (self->recv_codec->parser == NULL)
    return next;
  parser = ja_media_gst_make (GST_BIN (self->pipeline),
                              self->recv_codec->parser, name, error);
  if (parser == NULL || !ja_media_gst_link_chain (error, parser, next, NULL))
    return NULL;
  return parser;
}

/* funnel → [parser →] decoder → sink; with a recording funnel → tee →
 * queue → [parser →] decoder → sink and tee → queue → [parser →] muxer →
 * file: the recording keeps the stream as received (no second encode).
 * Without one the jitter buffer's thread decodes (one thread hop less per
 * frame). */
static gboolean
build_playback (JaMediaVideo *self, GError **error)
{
  GstElement *tee, *queue, *dec, *dec_in, *mux, *mux_in, *file;
  g_autoptr (GstPad) dec_src = NULL, file_sink = NULL;

  if (!(self->funnel
        = ja_media_gst_make (GST_BIN (self->pipeline), "funnel", "mix", error))
      || !(dec = ja_media_gst_make (GST_BIN (self->pipeline),
                                    self->recv_codec->decoder, "decoder",
                                    error))
      || !(dec_in = parsed_input (self, dec, "play-parse", error)))
    return FALSE;
  /* A broken frame from the peer is dropped, never a pipeline error. */
  g_object_set (dec, "max-errors", -1, NULL);
  if (!build_sink (self, dec, error))
    return FALSE;
  dec_src = gst_element_get_static_pad (dec, "src");
  gst_pad_add_probe (dec_src, GST_PAD_PROBE_TYPE_BUFFER, decoded_probe_cb, self,
                     NULL);
  if (self->config.record_path == NULL)
    return ja_media_gst_link_chain (error, self->funnel, dec_in, NULL);

  if (!(mux = make_record_mux (self, error))
      || !(tee
           = ja_media_gst_make (GST_BIN (self->pipeline), "tee", "split", error))
      || !(queue = ja_media_gst_make (GST_BIN (self->pipeline), "queue",
                                      "play-queue", error))
      || !(self->record_queue = ja_media_gst_make (
               GST_BIN (self->pipeline), "queue", "record-queue", error))
      || !(file = ja_media_gst_make (GST_BIN (self->pipeline), "filesink",
                                     "record-file", error))
      || !(mux_in = parsed_input (self, mux, "record-parse", error)))
    return FALSE;
  g_object_set (file, "location", self->config.record_path, "async", FALSE,
                "sync", FALSE, NULL);
  if (!ja_media_gst_link_chain (error, self->funnel, tee, queue, dec_in, NULL)
      || !ja_media_gst_link_chain (error, self->record_queue, mux_in, NULL)
      || !ja_media_gst_link_chain (error, mux, file, NULL)
      || !ja_media_gst_link_pads (tee, "src_%u", self->record_queue, "sink",
                                  error))
    return FALSE;
  file_sink = gst_element_get_static_pad (file, "sink");
  ja_media_gst_watch_branch_end (file_sink, &self->lock, &self->record_cond,
                                   &self->record_eos);
  {
    g_autoptr (GstPad) queue_sink
        = gst_element_get_static_pad (self->record_queue, "sink");
    g_autoptr (GstPad) to_mux = gst_element_get_static_pad (
        mux_in != mux ? mux_in : self->record_queue, "src");

    gst_pad_add_probe (queue_sink, GST_PAD_PROBE_TYPE_BUFFER,
                       record_failed_probe_cb, self, NULL);
    gst_pad_add_probe (to_mux, GST_PAD_PROBE_TYPE_BUFFER, record_ts_probe_cb,
                       self, NULL);
  }
  return TRUE;
}

static void
new_jitterbuffer_cb (GstElement *rtpbin, GstElement *jitterbuffer,
                     guint session, guint ssrc, gpointer user_data)
{
  JaMediaVideo *self = user_data;

  /* NACK a packet when a later one shows the gap, not when the buffer's
   * arrival estimate says it is late: that estimate (rtx-next-seqnum)
   * assumes evenly spaced packets, and a sender that sends each frame as a
   * burst of 2 packets at 15 fps (GStreamer's webrtcbin) made us NACK
   * every frame's first packet on a loss-free loopback (about 12 NACKs/s,
   * each answered by a needless retransmission; integration/webrtc-interop). */
  g_object_set (jitterbuffer, "rtx-next-seqnum", FALSE, NULL);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->jitterbuffers, gst_object_ref (jitterbuffer));
  g_mutex_unlock (&self->lock);
}

static gboolean
build_receive (JaMediaVideo *self, GError **error)
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
  return ja_media_gst_link_pads (self->rtp_in, "src", self->rtpbin,
                                 "recv_rtp_sink_0", error)
         && ja_media_gst_link_pads (self->rtcp_in, "src", self->rtpbin,
                                    "recv_rtcp_sink_0", error);
}

/* One rtpbin session for both directions, AVPF (RFC 4585) so that NACKs and
 * PLIs go out at once instead of waiting for the next regular report. */
static gboolean
build_rtpbin (JaMediaVideo *self, GError **error)
{
  self->rtpbin
      = ja_media_gst_make (GST_BIN (self->pipeline), "rtpbin", "rtpbin", error);
  if (self->rtpbin == NULL)
    return FALSE;
  g_object_set (self->rtpbin, "latency", (guint)JITTER_LATENCY_MS, "do-lost",
                TRUE, "do-retransmission", self->recv_rtx, NULL);
  gst_util_set_object_arg (G_OBJECT (self->rtpbin), "rtp-profile", "avpf");
  g_signal_connect (self->rtpbin, "request-aux-sender",
                    G_CALLBACK (request_aux_sender_cb), self);
  g_signal_connect (self->rtpbin, "request-aux-receiver",
                    G_CALLBACK (request_aux_receiver_cb), self);
  return TRUE;
}

/* Session 0 exists once its pads have been requested. */
static gboolean
connect_feedback (JaMediaVideo *self, GError **error)
{
  GObject *session = NULL;
  GstElement *session_element = NULL;
  guint kbps = self->config.bitrate_kbps ? self->config.bitrate_kbps
                                         : JA_MEDIA_VIDEO_DEFAULT_KBPS;

  /* RFC 4585 §3.5.2: after an early (feedback) packet the next one waits
   * T_rr, the regular interval computed from the RTCP bandwidth (RFC 3550
   * §6.2). Left to guess, a receive-only rtpsession assumes 64 kbit/s and
   * 5%: one NACK every ~250 ms, later than the jitter buffer's deadline for
   * every other loss. The video rate and a 20% share bring T_rr to ~50 ms
   * (RTCP stays small: regular reports still wait for rtcp-min-interval,
   * early ones go out only for feedback). rtpsession's "bandwidth" is in
   * bits per second whatever its description says (rtpstats.c divides
   * 8 x the average RTCP size by it): given bytes, T_rr stayed ~250 ms and
   * at 17 % loss 40 of ~55 lost packets a direction went unrepaired
   * (3-17 fps, a PLI and an IDR every half second); given bits, none
   * (30 fps, one PLI in 8 s; integration/cli-call-h264). */
  g_signal_emit_by_name (self->rtpbin, "get-session", 0, &session_element);
  if (session_element != NULL) {
    g_object_set (session_element, "bandwidth", (double)kbps * 1000, NULL);
    g_object_set (session_element, "rtcp-fraction", RTCP_FRACTION, NULL);
    /* Regular reports once a second instead of every 5 s (RFC 3550's
     * minimum, rtpsession's default): the sender's rate control
     * (bitrate-ctl.c) acts on each report's fraction lost. */
    g_object_set (session_element, "rtcp-min-interval",
                  (guint64)RTCP_REPORT_INTERVAL, NULL);
    gst_object_unref (session_element);
  }

  g_signal_emit_by_name (self->rtpbin, "get-internal-session", 0, &session);
  if (session == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "rtpbin has no session 0");
    return FALSE;
  }
  /* rtpsession proposes its own SSRC in the caps it offers the payloader,
   * which then takes it instead of ours when it renegotiates (rtph264pay
   * does when the parameter sets arrive): make them one, the SSRC our
   * description signals (XEP-0339). */
  if (self->config.send
      && g_object_class_find_property (G_OBJECT_GET_CLASS (session),
                                       "internal-ssrc")
             != NULL)
    g_object_set (session, "internal-ssrc", self->ssrc, NULL);
  g_signal_connect (session, "on-feedback-rtcp",
                    G_CALLBACK (on_feedback_rtcp_cb), self);
  g_object_unref (session);
  return TRUE;
}

/* --- public API --------------------------------------------------------- */

static void
copy_config (JaMediaVideoConfig *dst, const JaMediaVideoConfig *src)
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

static void
free_memory (gpointer p)
{
  JaMediaVideo *self = p;

  g_free ((char *)self->config.source);
  g_free ((char *)self->config.sink);
  g_free ((char *)self->config.record_path);
  g_free ((char *)self->config.send_codec);
  g_free ((char *)self->config.mid);
  for (guint i = 0; i < 128; i++)
    g_free ((char *)self->config.recv_codecs[i]);
  g_ptr_array_unref (self->jitterbuffers);
  gst_buffer_replace (&self->last_frame, NULL);
  gst_caps_replace (&self->last_caps, NULL);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->record_cond);
  g_free (self);
}

/* Payload types a peer could confuse with RTCP (RFC 5761 §4) or that do
 * not exist are configuration errors. */
static gboolean
check_config (const JaMediaVideoConfig *c, GError **error)
{
  guint8 pts[] = { c->send_pt, c->send_rtx_pt };

  for (guint i = 0; i < G_N_ELEMENTS (pts); i++)
    if (pts[i] >= 128 || (pts[i] >= 64 && pts[i] <= 95)) {
      g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                   "video: payload type %u is not usable with rtcp-mux",
                   pts[i]);
      return FALSE;
    }
  if (find_codec (c->send_codec ? c->send_codec : "VP8") == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "video: no codec \"%s\" (VP8 and H264 run)", c->send_codec);
    return FALSE;
  }
  if (c->send && c->send_rtx_pt != 0 && c->send_rtx_pt == c->send_pt) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "video: the RTX payload type equals the media one (%u)",
                 c->send_pt);
    return FALSE;
  }
  return TRUE;
}

JaMediaVideo *
ja_media_video_new (const JaMediaVideoConfig *config,
                    const JaMediaVideoCallbacks *cb, gpointer user_data,
                    GError **error)
{
  JaMediaVideo *self;
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  if (!check_config (config, error) || !ja_media_gst_init (error))
    return NULL;

  self = g_new0 (JaMediaVideo, 1);
  copy_config (&self->config, config);
  /* Both ends send the first codec of the answer: we decode what we send. */
  self->codec = find_codec (config->send_codec ? config->send_codec : "VP8");
  self->recv_codec = self->codec;
  ja_bitrate_ctl_init (&self->bitrate, configured_kbps (config));
  self->target_kbps = configured_kbps (config);
  self->record_last_ts = GST_CLOCK_TIME_NONE;
  if (cb != NULL)
    self->cb = *cb;
  self->user_data = user_data;
  g_mutex_init (&self->lock);
  g_cond_init (&self->record_cond);
  self->ssrc = config->local_ssrc ? config->local_ssrc : g_random_int ();
  do
    self->rtx_ssrc
        = config->local_rtx_ssrc ? config->local_rtx_ssrc : g_random_int ();
  while (self->rtx_ssrc == self->ssrc);
  for (guint pt = 0; pt < 128; pt++)
    if (config->recv_rtx_apt[pt] != 0)
      self->recv_rtx = TRUE;
  self->events = ja_media_events_new ("ja-media-video", deliver_event,
                                     event_free, self);
  self->jitterbuffers = g_ptr_array_new_with_free_func (gst_object_unref);

  self->pipeline = gst_pipeline_new (NULL);
  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, bus_sync_cb, self, NULL);
  if (!build_rtpbin (self, error) || (config->send && !build_send (self, error))
      || !build_receive (self, error) || !build_rtcp (self, error)
      || !connect_feedback (self, error)) {
    g_prefix_error (error, "video: ");
    ja_media_video_free (self);
    return NULL;
  }
  return self;
}

gboolean
ja_media_video_start (JaMediaVideo *video, GError **error)
{
  g_return_val_if_fail (video != NULL, FALSE);

  if (gst_element_set_state (video->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    g_set_error (
        error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
        "video: the pipeline failed to start (source or sink unavailable)");
    return FALSE;
  }
  video->started = TRUE;
  return TRUE;
}

/* The peer's feedback about our stream moves the encoder's target
 * (bitrate-ctl.c): each receiver report block that is news (its highest
 * sequence number advanced: the peer's RTX SSRC and other sessions of a
 * BUNDLE repeat or report nothing) gives the loss since the last one; a
 * REMB caps.
 * GStreamer's rtpsession (1.22) leaves report blocks out of early AVPF
 * packets and its regular reports wait while NACKs keep going out early,
 * so under loss a second can pass without any: then the NACKed share of
 * what we sent in that second stands for the loss. rtpsession reads the
 * same RTCP for its own purposes; this is a second, pure read of our
 * plaintext copy. */
static void
adapt_bitrate (JaMediaVideo *self, const guint8 *data, gsize len)
{
  JaRtcpFeedback fb;
  gint64 now = g_get_monotonic_time ();
  guint target, before;
  guint32 ssrc;

  if (self->encoder == NULL)
    return;
  g_mutex_lock (&self->lock);
  ssrc = self->wire_ssrc != 0 ? self->wire_ssrc : self->ssrc;
  g_mutex_unlock (&self->lock);
  if (!ja_rtcp_feedback_parse (data, len, ssrc, &fb))
    return;
  g_mutex_lock (&self->lock);
  before = self->target_kbps;
  if (fb.have_remb)
    ja_bitrate_ctl_on_remb (&self->bitrate, fb.remb_bps);
  if (fb.have_report
      && (!self->have_report_seq
          || (gint32)(fb.highest_seq - self->report_seq) > 0)) {
    guint fraction = fb.fraction_lost;

    /* The loss since the report we used last, from the cumulative
     * fields (RFC 3550 §6.4.1, A.3): the fraction field is per reporter,
     * and a second reporter of the peer (its RTX SSRC) says 0 right after
     * the first said the real figure. */
    if (self->have_report_seq) {
      gint64 expected = (gint32)(fb.highest_seq - self->report_seq);
      gint64 lost = (gint64)fb.cumulative_lost - self->report_lost;

      fraction = (guint)CLAMP (lost * 256 / expected, 0, 255);
    }
    self->have_report_seq = TRUE;
    self->report_seq = fb.highest_seq;
    self->report_lost = fb.cumulative_lost;
    self->report_in_interval = TRUE;
    ja_bitrate_ctl_on_report (&self->bitrate, (guint8)fraction);
  }
  self->nacked_in_interval += fb.nacked;
  if (self->interval_start == 0) {
    self->interval_start = now;
    self->sent_at_interval = self->packets_sent - self->rtx_sent;
  } else if (now - self->interval_start >= NACK_LOSS_INTERVAL_US) {
    guint64 sent = self->packets_sent - self->rtx_sent - self->sent_at_interval;

    if (!self->report_in_interval && sent > 0)
      ja_bitrate_ctl_on_report (
          &self->bitrate,
          (guint8)MIN (255, self->nacked_in_interval * 256 / sent));
    self->interval_start = now;
    self->sent_at_interval = self->packets_sent - self->rtx_sent;
    self->nacked_in_interval = 0;
    self->report_in_interval = FALSE;
  }
  target = ja_bitrate_ctl_get_target (&self->bitrate);
  self->target_kbps = target;
  g_mutex_unlock (&self->lock);
  if (target != before) {
    g_debug ("video %08x: target %u kbit/s", self->ssrc, target);
    self->codec->set_bitrate (self->encoder, target);
  }
}

void
ja_media_video_receive (JaMediaVideo *video, const guint8 *data, gsize len)
{
  JaRtpHeader hdr;
  gboolean rtx;

  g_return_if_fail (video != NULL);
  if (ja_rtp_is_rtcp (data, len)) {
    if (len >= 8) {
      adapt_bitrate (video, data, len);
      gst_app_src_push_buffer (GST_APP_SRC (video->rtcp_in),
                               gst_buffer_new_memdup (data, len));
    }
    return;
  }
  if (!ja_rtp_header_parse (data, len, &hdr))
    return; /* not RTP: the peer's problem, not worth a log line */
  rtx = video->config.recv_rtx_apt[hdr.pt] != 0;
  g_mutex_lock (&video->lock);
  video->packets_received++;
  video->bytes_received += len;
  if (rtx)
    video->rtx_received++;
  else if (note_keyframe (find_codec (video->config.recv_codecs[hdr.pt]),
                          data, len, &video->have_key_ts_recv,
                          &video->key_ts_recv))
    video->keyframes_received++;
  g_mutex_unlock (&video->lock);
  gst_app_src_push_buffer (GST_APP_SRC (video->rtp_in),
                           gst_buffer_new_memdup (data, len));
}

void
ja_media_video_force_keyframe (JaMediaVideo *video)
{
  g_autoptr (GstPad) pad = NULL;

  g_return_if_fail (video != NULL);
  if (video->encoder == NULL)
    return;
  pad = gst_element_get_static_pad (video->encoder, "src");
  gst_pad_send_event (pad, gst_video_event_new_upstream_force_key_unit (
                               GST_CLOCK_TIME_NONE, TRUE, 0));
}

gboolean
ja_media_video_save_frame_png (JaMediaVideo *video, const char *path,
                               GError **error)
{
  g_autoptr (GstSample) frame = NULL, png = NULL;
  g_autoptr (GstCaps) png_caps = NULL;
  g_autoptr (GError) convert_error = NULL;
  GstBuffer *buf;
  GstMapInfo map;
  gboolean ok;

  g_return_val_if_fail (video != NULL && path != NULL, FALSE);
  g_mutex_lock (&video->lock);
  if (video->last_frame != NULL)
    frame = gst_sample_new (video->last_frame, video->last_caps, NULL, NULL);
  g_mutex_unlock (&video->lock);
  if (frame == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FAILED,
                 "video: no frame decoded yet");
    return FALSE;
  }
  /* A small pipeline of its own (videoconvert ! pngenc), run to completion
   * here; the call's pipeline keeps streaming meanwhile. */
  png_caps = gst_caps_new_empty_simple ("image/png");
  png = gst_video_convert_sample (frame, png_caps, SNAPSHOT_TIMEOUT,
                                  &convert_error);
  if (png == NULL || (buf = gst_sample_get_buffer (png)) == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "video: PNG snapshot: %s",
                 convert_error ? convert_error->message : "no output");
    return FALSE;
  }
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "video: PNG snapshot: cannot map the image");
    return FALSE;
  }
  ok = g_file_set_contents (path, (const char *)map.data, (gssize)map.size,
                            error);
  gst_buffer_unmap (buf, &map);
  return ok;
}

void
ja_media_video_get_stats (JaMediaVideo *video, JaMediaVideoStats *stats)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (video != NULL && stats != NULL);
  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&video->lock);
  stats->packets_sent = video->packets_sent;
  stats->bytes_sent = video->bytes_sent;
  stats->packets_received = video->packets_received;
  stats->bytes_received = video->bytes_received;
  stats->frames_sent = video->frames_sent;
  stats->frames_decoded = video->frames_decoded;
  stats->keyframes_sent = video->keyframes_sent;
  stats->keyframes_received = video->keyframes_received;
  stats->nacks_sent = video->nacks_sent;
  stats->nacks_received = video->nacks_received;
  stats->plis_sent = video->plis_sent;
  stats->plis_received = video->plis_received;
  stats->rtx_sent = video->rtx_sent;
  stats->rtx_received = video->rtx_received;
  stats->width = video->width;
  stats->height = video->height;
  stats->target_kbps = video->encoder != NULL ? video->target_kbps : 0;
  g_mutex_unlock (&video->lock);
  stats->packets_lost = ja_media_gst_jitterbuffers_lost (video->jitterbuffers,
                                                          &video->lock);

  {
    guint64 counters[JA_RATE_WINDOW_COUNTERS] = {
      stats->bytes_sent, stats->bytes_received, stats->frames_decoded };
    double r[JA_RATE_WINDOW_COUNTERS];

    ja_rate_window_update (&video->rates, now, counters, r);
    stats->send_kbps = r[0] * 8 / 1000.0;
    stats->recv_kbps = r[1] * 8 / 1000.0;
    stats->decode_fps = r[2];
  }
}

gpointer
ja_media_video_peek_pipeline (JaMediaVideo *video)
{
  g_return_val_if_fail (video != NULL, NULL);

  return video->pipeline;
}

/* webmmux writes its cues and duration on EOS: push EOS into the recording branch only and wait
 * until the file sink has seen it (nothing to do before any data). */
static void
finish_recording (JaMediaVideo *self)
{
  if (self->record_queue == NULL || !self->started)
    return;
  if (!ja_media_gst_finish_branch (self->record_queue, &self->lock,
                                   &self->record_cond, &self->record_eos,
                                   RECORD_EOS_TIMEOUT_US))
    g_debug ("video %08x: no recording finished (no data, or too slow)",
             self->ssrc);
}

void
ja_media_video_free (JaMediaVideo *video)
{
  if (video == NULL)
    return;
  if (video->pipeline != NULL) {
    g_autoptr (GstBus) bus = NULL;

    finish_recording (video);
    gst_element_set_state (video->pipeline, GST_STATE_NULL);
    bus = gst_pipeline_get_bus (GST_PIPELINE (video->pipeline));
    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    g_clear_object (&video->pipeline);
  }
  /* The streaming threads are gone: nothing pushes events any more. */
  ja_media_events_free (video->events, free_memory);
}
