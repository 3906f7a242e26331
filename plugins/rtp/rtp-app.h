/* rtp-app.h — the XEP-0167 RTP application kind (urn:xmpp:jingle:apps:rtp:1)
 * for audio: the offer from the codec list, the answer as the intersection
 * (rtp-negotiate.c), and once the transport is secured, the GStreamer
 * pipeline (media/media-audio) fed through the content's datagram channel.
 * Each content has a JaRtpStream (below) that the agent watches.
 * session-info payloads of XEP-0167 §7 (active, hold, unhold, mute,
 * unmute, ringing) are taken and announced. */
#pragma once

#include <glib-object.h>
#include "signalling/jingle/jingle-plugin.h"
#include "signalling/xmpp/xmpp-stream.h"
#include "media/media-audio.h"
#include "media/media-video.h"

G_BEGIN_DECLS

extern const JaJingleAppKind ja_rtp_app_kind;

/* Per-stream media choices for the contents that follow (copied, kept on
 * the stream): source, sink, WAV recording path (see media-audio.h).
 * record_path may hold "%n" which becomes a per-call counter (answer
 * --count N). */
typedef struct {
  const char *source;
  const char *sink;
  const char *record_path;
  /* nullable, NULL-terminated: offer and accept only these audio codecs
   * (by encoding name, in this order of preference); telephone-event is
   * kept; video contents are not affected. */
  const char *const *codecs;
  /* Video contents (VP8 or H.264): source ("test", "device[:NAME]", "file:PATH",
   * "pipeline:DESC"; NULL = test), sink ("none", "device"), recording path
   * (.mkv: Matroska, any codec; otherwise WebM, VP8 only). */
  const char *video_source;
  const char *video_sink;
  const char *record_video_path;
  guint video_width, video_height, video_fps;   /* 0: 640x480@30 */
  guint video_kbps;                              /* 0: 1000 */
  /* Which engine carries audio contents: JaMediaAudioEngine (0 = AUTO:
   * native when the source and sink allow it). */
  int audio_engine;
  /* nullable, NULL-terminated: offer and accept only these video codecs
   * ("VP8", "H264", in this order of preference); their rtx is kept. */
  const char *const *video_codecs;
} JaRtpMediaOptions;

void ja_rtp_app_set_media_options (JaXmppStream *stream,
    const JaRtpMediaOptions *options);

/* JaRtpStream: one audio content as the agent sees it.
 * Signals:
 *   "started" (): the transport is secured and the pipeline runs.
 *   "first-media" (): the first decoded audio from the peer.
 *   "dtmf" (gchar digit, guint duration_ms): a digit from the peer.
 *   "info" (const char *name): a session-info from the peer (active,
 *       hold, unhold, mute, unmute, ringing).
 *   "media-error" (const char *message): the pipeline failed (the session
 *       ends with media-error).
 *   "source-ended" (): a file source reached its end. */
#define JA_TYPE_RTP_STREAM (ja_rtp_stream_get_type ())
G_DECLARE_FINAL_TYPE (JaRtpStream, ja_rtp_stream, JA, RTP_STREAM, GObject)

/* The stream of an RTP content's app, NULL for another kind. (transfer none) */
JaRtpStream *ja_rtp_app_get_stream (JaJingleApp *app);

/* The codec we send, e.g. "opus/48000/2 (pt 111)", NULL before start. */
const char *ja_rtp_stream_get_codec (JaRtpStream *self);
/* "native" or "gstreamer" once the audio engine runs, NULL otherwise
 * (video contents, before start). */
const char *ja_rtp_stream_get_audio_engine (JaRtpStream *self);
gboolean ja_rtp_stream_get_audio_stats (JaRtpStream *self,
    JaMediaAudioStats *stats);
/* Which ways media goes on this content now, from its senders (XEP-0166
 * §7.4) and our role: FALSE both once the content is gone. */
void ja_rtp_stream_get_directions (JaRtpStream *self, gboolean *send,
    gboolean *receive);
gboolean ja_rtp_stream_send_dtmf (JaRtpStream *self, const char *digits,
    GError **error);
/* Milliseconds from start to first decoded audio (0 until then). */
guint ja_rtp_stream_get_first_media_ms (JaRtpStream *self);
gboolean ja_rtp_stream_is_started (JaRtpStream *self);
/* Mute / hold our side (XEP-0167 §7: session-info mute/unmute with this
 * content's creator and name, hold/unhold); we send silence meanwhile. */
gboolean ja_rtp_stream_set_muted (JaRtpStream *self, gboolean muted,
    GError **error);
gboolean ja_rtp_stream_set_held (JaRtpStream *self, gboolean held,
    GError **error);
/* A video content (VP8 through media/media-video). */
gboolean ja_rtp_stream_is_video (JaRtpStream *self);
gboolean ja_rtp_stream_get_video_stats (JaRtpStream *self,
    JaMediaVideoStats *stats);
/* The last decoded frame as PNG. */
gboolean ja_rtp_stream_save_frame_png (JaRtpStream *self, const char *path,
    GError **error);
/* Why the peer's offer cannot be answered (no codec in common), NULL when
 * it can: the session is to be terminated with <failed-application/>. */
const char *ja_rtp_stream_get_failure (JaRtpStream *self);
/* The content (transfer none), NULL once it is gone. */
JaJingleContent *ja_rtp_stream_get_content (JaRtpStream *self);

G_END_DECLS
