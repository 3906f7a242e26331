/* ja-test-tone.h — a small tone analyser for tests: read a PCM WAV file
 * (16-bit, any rate and channel count), find the dominant frequency with a
 * radix-2 FFT (Hann window, parabolic peak refinement) and the share of the
 * signal's energy that lies within JA_TEST_TONE_BAND_HZ of it. Pure: no
 * GStreamer, no main loop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Energy within ±this many Hz of the peak counts as "the tone". */
#define JA_TEST_TONE_BAND_HZ 15.0

typedef struct {
  double peak_hz;    /* dominant frequency; 0 for silence */
  double peak_share; /* 0..1: energy near peak_hz / all energy (DC excluded) */
  double duration_s; /* frames / rate */
  double rms;        /* of the mono mix, full scale = 1.0 */
  guint rate;
  guint channels;
} JaTestTone;

/* Analyses interleaved 16-bit samples (channels are mixed down). */
void ja_test_tone_analyse (const gint16 *samples, gsize n_frames,
                           guint channels, guint rate, JaTestTone *out);

/* Reads a RIFF/WAVE PCM16 file and analyses it. */
gboolean ja_test_tone_analyse_wav (const char *path, JaTestTone *out,
                                   GError **error);

/* The same over the last last_s seconds of the file only (the whole file
 * when it is shorter or last_s <= 0); duration_s is what was analysed. */
gboolean ja_test_tone_analyse_wav_tail (const char *path, double last_s,
                                        JaTestTone *out, GError **error);

/* Writes interleaved 16-bit samples as a RIFF/WAVE file (for tests). */
gboolean ja_test_tone_write_wav (const char *path, const gint16 *samples,
                                 gsize n_frames, guint channels, guint rate,
                                 GError **error);

G_END_DECLS
