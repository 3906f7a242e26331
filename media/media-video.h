/* media-video.h — the GStreamer side of a video call (one per RTP video
 * content, VP8 per RFC 7741 or H.264 per RFC 6184). Send: source →
 * scale/rate → encoder (realtime) → payloader → rtpbin (RTX per RFC 4588) → app sink → send_rtp callback
 * (plaintext RTP; the transport protects it). Receive:
 * ja_media_video_receive() → app source → rtpbin (jitter buffer, NACK, PLI,
 * rtcp-mux) → depayloader → decoder → sink, WebM/Matroska recorder,
 * snapshot. RTCP
 * feedback (RFC 4585): NACKs ask for retransmissions, PLI/FIR force a
 * keyframe. GStreamer streaming threads stay inside; every callback runs on
 * the thread-default main context of the creator (as media-audio.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaMediaVideo JaMediaVideo;

#define JA_MEDIA_VIDEO_DEFAULT_WIDTH 640
#define JA_MEDIA_VIDEO_DEFAULT_HEIGHT 480
#define JA_MEDIA_VIDEO_DEFAULT_FPS 30
#define JA_MEDIA_VIDEO_DEFAULT_KBPS 1000

typedef struct {
  /* "test" (live SMPTE colour bars), "file:PATH" (any video file decodebin
   * reads, paced to real time), "device[:NAME]" (v4l2src, NAME = /dev/videoN),
   * "pipeline:DESC" (a gst-launch description ending in raw video);
   * NULL = test. */
  const char *source;
  /* "none" (default: fakesink), "device" (autovideosink), "pipeline:DESC". */
  const char *sink;
  const char *record_path; /* nullable: write what we receive, as received
                            * (not re-encoded): "*.mkv" Matroska, any
                            * codec; other names WebM, VP8 only (H.264
                            * fails new() with JA_MEDIA_ERROR_CODEC) */

  /* The negotiated send codec ("VP8" or "H264"; also the one we decode:
   * both ends send the answer's first) and its payload type;
   * send_rtx_pt != 0 keeps sent packets for RFC 4588 retransmission in that
   * payload type, on local_rtx_ssrc (the FID partner of local_ssrc). */
  const char *send_codec; /* NULL = "VP8"; another name: JA_MEDIA_ERROR_CODEC */
  guint8 send_pt;
  guint8 send_rtx_pt;
  /* Payload types we may receive: encoding names by pt (NULL: unused);
   * recv_rtx_apt[rtx pt] = the pt it repairs (RFC 4588 apt), 0 = not RTX.
   * With an RTX pt for a codec, the jitter buffer NACKs missing packets. */
  const char *recv_codecs[128];
  guint8 recv_rtx_apt[128];

  guint32 local_ssrc;     /* 0: random */
  guint32 local_rtx_ssrc; /* 0: random (used only with send_rtx_pt) */

  /* XEP-0294: the one-byte-header id of the BUNDLE MID extension
   * (urn:ietf:params:rtp-hdrext:sdes:mid) when negotiated, 0 otherwise;
   * every RTP packet we send then carries `mid`. */
  guint8 hdrext_mid_id;
  const char *mid; /* the content name; nullable */

  /* What we encode (0: the defaults above). The source is scaled and its
   * frame rate converted to this. */
  guint width, height, fps;
  guint bitrate_kbps;
  guint keyframe_max_dist; /* frames between periodic keyframes; 0 = 10 s */
  int cpu_used;            /* vp8enc cpu-used (-16..16, higher is faster
                            * and coarser); 0 = 8 */

  gboolean send;    /* senders allow us to send */
  gboolean receive; /* senders allow the peer to send */
} JaMediaVideoConfig;

typedef struct {
  /* One RTP or RTCP packet (plaintext, rtcp-muxed) to send. */
  void (*send_rtp) (JaMediaVideo *video, const guint8 *data, gsize len,
                    gpointer user_data);
  /* The first decoded frame reached the sink (width x height). */
  void (*first_frame) (JaMediaVideo *video, guint width, guint height,
                       gpointer user_data);
  /* The source ended (a file source: the call may hang up). */
  void (*source_eos) (JaMediaVideo *video, gpointer user_data);
  /* A pipeline error (transfer none): the call ends with media failure. */
  void (*error) (JaMediaVideo *video, const GError *error, gpointer user_data);
} JaMediaVideoCallbacks;

typedef struct {
  guint64 packets_sent, bytes_sent; /* RTP, retransmissions included */
  guint64 packets_received, bytes_received;
  gint64 packets_lost; /* given up on by the jitter buffer */
  guint64 frames_sent; /* encoded */
  guint64 frames_decoded;
  guint64 keyframes_sent, keyframes_received;
  guint64 nacks_sent, nacks_received; /* RFC 4585 generic NACK packets */
  guint64 plis_sent, plis_received;   /* PLI + FIR */
  guint64 rtx_sent, rtx_received;     /* RFC 4588 retransmissions */
  guint width, height;                /* of the last decoded frame, 0 before */
  double decode_fps;                  /* over the last stats interval */
  double send_kbps, recv_kbps;        /* over the last stats interval: since the
                                       * previous get_stats call (≥ 100 ms ago) */
  guint target_kbps; /* the encoder's target now: the configured rate, moved
                      * by the peer's RTCP (loss, REMB; bitrate-ctl.h);
                      * 0 when not sending */
} JaMediaVideoStats;

/* (transfer full); the config is copied. */
JaMediaVideo *ja_media_video_new (const JaMediaVideoConfig *config,
                                  const JaMediaVideoCallbacks *cb,
                                  gpointer user_data, GError **error);
/* Go to PLAYING. */
gboolean ja_media_video_start (JaMediaVideo *video, GError **error);
/* One received RTP/RTCP packet (plaintext). Any thread. */
void ja_media_video_receive (JaMediaVideo *video, const guint8 *data,
                             gsize len);
/* Ask our encoder for a keyframe now (as a peer's PLI does). */
void ja_media_video_force_keyframe (JaMediaVideo *video);
/* Writes the most recently decoded frame as PNG. Fails with
 * JA_MEDIA_ERROR_FAILED when nothing has been decoded yet. */
gboolean ja_media_video_save_frame_png (JaMediaVideo *video, const char *path,
                                        GError **error);
void ja_media_video_get_stats (JaMediaVideo *video, JaMediaVideoStats *stats);
/* (transfer none) The GstPipeline, for diagnostics and tests (a gpointer so
 * that this header needs no GStreamer include). Valid until free. */
gpointer ja_media_video_peek_pipeline (JaMediaVideo *video);
/* Stop, finish the WebM file (cues and duration written), free. */
void ja_media_video_free (JaMediaVideo *video);

G_END_DECLS
