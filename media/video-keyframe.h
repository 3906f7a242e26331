/* video-keyframe.h — pure tests on RTP video payloads: does this packet
 * start a keyframe? VP8 per RFC 7741 §4.2–4.3 (payload descriptor, then the
 * VP8 payload header's P bit, RFC 6386 §9.1); H.264 per RFC 6184 §5.6–5.8
 * (an IDR slice, NAL unit type 5, alone, inside a STAP-A (24) or in the
 * first fragment of an FU-A (28)). No I/O, no GStreamer: unit-tested and
 * fuzzable on its own. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_VIDEO_VP8,
  JA_VIDEO_H264,
} JaVideoCodecId;

/* payload: the RTP payload (after the header, see ja_rtp_header_parse). */
gboolean ja_video_payload_starts_keyframe (JaVideoCodecId codec,
                                           const guint8 *payload, gsize len);

G_END_DECLS
