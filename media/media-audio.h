/* media-audio.h — the media side of an audio call (one per RTP audio
 * content), carried by one of two engines (config.engine): the native one
 * (media/audio-native.c: libopus/G.711, our own RTP, one shared media
 * thread) or GStreamer, described here. Send: source → encoder → payloader → app sink → send_rtp
 * callback (plaintext RTP; the transport protects it). Receive:
 * ja_media_audio_receive() → app source → rtpbin (jitter buffer, RTCP
 * SR/RR, rtcp-mux) → depayloader → decoder → sink / WAV recorder. DTMF as
 * RFC 4733 telephone-event both ways. GStreamer streaming threads stay
 * inside; every callback runs on the thread-default main context of the
 * creator. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaMediaAudio JaMediaAudio;

typedef enum {
  JA_MEDIA_AUDIO_ENGINE_AUTO = 0,
  JA_MEDIA_AUDIO_ENGINE_GSTREAMER,
  JA_MEDIA_AUDIO_ENGINE_NATIVE,
} JaMediaAudioEngine;

typedef struct {
  /* "test[:FREQ]" (a sine, default 440), "file:PATH" (any audio file
   * decodebin reads), "device[:NAME]", "pipeline:DESC" (a gst-launch
   * description ending in raw audio), "silence"; NULL = test. */
  const char *source;
  /* "device[:NAME]", "none" (default), "pipeline:DESC". */
  const char *sink;
  const char *record_path;      /* nullable: write what we decode to WAV */

  /* The negotiated send codec: encoding name, payload type, clock rate,
   * channels (from the peer's answer, ids as negotiated). */
  const char *send_codec;       /* "opus", "PCMU", "PCMA" */
  guint8 send_pt;
  guint send_clock_rate;
  guint send_channels;
  /* Payload types we may receive: encoding names by pt (NULL entries:
   * unused), clock rates alongside. */
  const char *recv_codecs[128];
  guint recv_clock_rates[128];
  guint8 dtmf_pt;               /* telephone-event id to send/receive, 0 = none */
  guint dtmf_clock_rate;

  guint32 local_ssrc;           /* 0: random */

  /* XEP-0294 header extensions negotiated for this content (0 = not
   * negotiated): the one-byte-header ids of the BUNDLE MID extension
   * (urn:ietf:params:rtp-hdrext:sdes:mid, value `mid`) and of the RFC 6464
   * client-to-mixer audio level (urn:ietf:params:rtp-hdrext:ssrc-audio-level).
   * Every RTP packet we send carries the negotiated ones. */
  guint8 hdrext_mid_id;
  const char *mid;              /* the content name; nullable */
  guint8 hdrext_audio_level_id;

  /* Which implementation carries the call: JA_MEDIA_AUDIO_ENGINE_AUTO picks
   * the native one (libopus/G.711 in one shared media thread) when the
   * source and sink need no GStreamer, GStreamer otherwise. */
  int engine;                   /* JaMediaAudioEngine */
  gboolean send;                /* senders allow us to send */
  gboolean receive;             /* senders allow the peer to send */
} JaMediaAudioConfig;

typedef struct {
  /* One RTP or RTCP packet (plaintext, rtcp-muxed) to send. */
  void (*send_rtp) (JaMediaAudio *audio, const guint8 *data, gsize len,
      gpointer user_data);
  /* The first decoded audio reached the sink/recorder. */
  void (*first_media) (JaMediaAudio *audio, gpointer user_data);
  /* A DTMF digit (0-9 * # A-D) ended, with its duration. */
  void (*dtmf) (JaMediaAudio *audio, char digit, guint duration_ms,
      gpointer user_data);
  /* The source ended (a file source: the call may hang up). */
  void (*source_eos) (JaMediaAudio *audio, gpointer user_data);
  /* A pipeline error (transfer none): the call ends with media failure. */
  void (*error) (JaMediaAudio *audio, const GError *error, gpointer user_data);
} JaMediaAudioCallbacks;

typedef struct {
  guint64 packets_sent, bytes_sent;
  guint64 packets_received, bytes_received;
  gint64 packets_lost;          /* from the jitter buffer / RTCP */
  gint64 peer_packets_lost;     /* our packets the peer's last RTCP report
                                 * says it lost (native engine; 0 with
                                 * GStreamer) */
  guint64 dtmf_sent, dtmf_received;
  double send_kbps, recv_kbps;  /* over the last stats interval: since the
                                 * previous get_stats call (≥ 100 ms ago) */
} JaMediaAudioStats;

/* (transfer full); the config is copied. With JA_MEDIA_AUDIO_ENGINE_NATIVE
 * a source or sink only GStreamer has fails (JA_MEDIA_ERROR_PIPELINE). */
JaMediaAudio *ja_media_audio_new (const JaMediaAudioConfig *config,
    const JaMediaAudioCallbacks *cb, gpointer user_data, GError **error);
/* Go to PLAYING. */
gboolean ja_media_audio_start (JaMediaAudio *audio, GError **error);
/* TRUE when the native engine carries this call. */
gboolean ja_media_audio_is_native (JaMediaAudio *audio);
/* One received RTP/RTCP packet (plaintext). Any thread. */
void ja_media_audio_receive (JaMediaAudio *audio, const guint8 *data, gsize len);
/* Queue RFC 4733 events for digits (0-9 * # A-D; ',' = 500 ms pause).
 * Each digit is pressed for 100 ms with 60 ms gaps; rtpdtmfsrc keeps every
 * event at least 250 ms on the wire. Needs dtmf_pt and send. */
gboolean ja_media_audio_send_dtmf (JaMediaAudio *audio, const char *digits,
    GError **error);
/* Sends without the creator's context: from now on the native engine hands
 * every packet (plaintext RTP and RTCP) to func on the thread that made it
 * — its media thread (media/media-loop.h), or the caller of
 * ja_media_audio_start for the first frame — instead of queueing it for
 * send_rtp: one main-loop wake-up less per packet. func must be
 * thread-safe and stay valid until it is replaced, or until
 * ja_media_audio_free returns. NULL func: back to send_rtp. FALSE (nothing
 * changes) with the GStreamer engine. */
typedef void (*JaMediaAudioSendFunc) (const guint8 *data, gsize len,
    gpointer user_data);
gboolean ja_media_audio_set_direct_send (JaMediaAudio *audio,
    JaMediaAudioSendFunc func, gpointer user_data);
/* (transfer none) The native engine's media thread's context once started
 * (media/media-loop.h: receiving there puts a call's packets on the thread
 * that decodes them); NULL with the GStreamer engine or before start. */
GMainContext *ja_media_audio_get_media_context (JaMediaAudio *audio);
void ja_media_audio_set_muted (JaMediaAudio *audio, gboolean muted);
void ja_media_audio_get_stats (JaMediaAudio *audio, JaMediaAudioStats *stats);
/* (transfer none) The GstPipeline, for diagnostics and tests (a gpointer so
 * that this header needs no GStreamer include); NULL with the native
 * engine. Valid until free. */
gpointer ja_media_audio_peek_pipeline (JaMediaAudio *audio);
/* Stop, finish the WAV file (header sizes written), free. */
void ja_media_audio_free (JaMediaAudio *audio);

G_END_DECLS
