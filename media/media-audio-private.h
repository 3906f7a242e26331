/* media-audio-private.h — what the two audio engines behind JaMediaAudio
 * (media-audio.c: GStreamer; audio-native*.c: libopus/G.711) share: the
 * events they hand to the creator's context and the config copy. */
#pragma once

#include "media/media-audio.h"
#include "media/rate-window.h"
#include "media/rtp-event.h"

G_BEGIN_DECLS

typedef enum {
  EV_RTP,
  EV_FIRST_MEDIA,
  EV_DTMF,
  EV_SOURCE_EOS,
  EV_ERROR,
} EventType;

typedef struct {
  EventType type;
  GBytes *bytes; /* EV_RTP */
  char digit;    /* EV_DTMF */
  guint duration_ms;
  GError *error; /* EV_ERROR */
} Event;

Event *ja_media_audio_event_new (EventType type);
void ja_media_audio_event_free (gpointer ev);
/* The EV_DTMF event of a digit received (its duration in ms). */
Event *ja_media_audio_dtmf_event_new (const JaMediaAudioConfig *config,
                                      const JaRtpEventReport *rep);
/* Calls the callback `ev` is for (creator's context). */
void ja_media_audio_event_deliver (JaMediaAudio *audio,
                                   const JaMediaAudioCallbacks *cb,
                                   gpointer user_data, const Event *ev);

/* A deep copy (strings duplicated) / what it allocated. */
void ja_media_audio_config_copy (JaMediaAudioConfig *dst,
                                 const JaMediaAudioConfig *src);
void ja_media_audio_config_clear (JaMediaAudioConfig *config);

/* stats->send_kbps / recv_kbps from its byte counters, over the time since
 * the previous call (rate-window.h). */
void ja_media_audio_set_kbps (JaRateWindow *rates, gint64 now_us,
                              JaMediaAudioStats *stats);

G_END_DECLS
