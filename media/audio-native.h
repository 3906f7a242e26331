/* audio-native.h — the native audio engine behind JaMediaAudio (internal to
 * media/: media-audio.c dispatches to it). libopus and G.711 in our own
 * code, our own RTP/RTCP, one process-wide media thread with one 20 ms tick
 * for every native call (docs/internals/media-audio.md). Same callbacks,
 * same threads, same statistics as the GStreamer engine. */
#pragma once

#include "media/media-audio.h"

G_BEGIN_DECLS

typedef struct _JaAudioNative JaAudioNative;

/* TRUE when the native engine can carry `config` (source test[:FREQ],
 * silence or file: with a 16-bit PCM WAV, sink none, codecs opus, PCMU,
 * PCMA); otherwise FALSE with JA_MEDIA_ERROR_PIPELINE/CODEC saying why. */
gboolean ja_audio_native_supports (const JaMediaAudioConfig *config,
                                   GError **error);

/* (transfer full) Callbacks get `owner` as their JaMediaAudio. */
JaAudioNative *ja_audio_native_new (const JaMediaAudioConfig *config,
                                    const JaMediaAudioCallbacks *cb,
                                    gpointer user_data, JaMediaAudio *owner,
                                    GError **error);
gboolean ja_audio_native_start (JaAudioNative *self, GError **error);
void ja_audio_native_receive (JaAudioNative *self, const guint8 *data,
                              gsize len);
gboolean ja_audio_native_send_dtmf (JaAudioNative *self, const char *digits,
                                    GError **error);
void ja_audio_native_set_direct_send (JaAudioNative *self,
                                      JaMediaAudioSendFunc func,
                                      gpointer user_data);
/* (transfer none) The context of the media thread that runs the call,
 * once started; NULL before. */
GMainContext *ja_audio_native_get_media_context (JaAudioNative *self);
void ja_audio_native_set_muted (JaAudioNative *self, gboolean muted);
void ja_audio_native_get_stats (JaAudioNative *self, JaMediaAudioStats *stats);
void ja_audio_native_free (JaAudioNative *self);
/* One media-thread tick by hand, for tests and fuzzing: only on a call
 * that was never started (the media thread does not know it). */
void ja_audio_native_run_tick (JaAudioNative *self);
/* The peer's last RFC 6464 audio level (V bit | -dBov), -1 when none came. */
int ja_audio_native_peek_peer_level (JaAudioNative *self);

G_END_DECLS
