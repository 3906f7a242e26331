/* wav-file.h — RIFF/WAVE PCM for the native audio engine: read a 16-bit
 * PCM file as mono samples at a chosen rate (the file: source), and write
 * 16-bit mono as it is decoded (the recorder; the RIFF sizes are written
 * when it is closed). */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when `path` is a RIFF/WAVE file with 16-bit PCM (format 1) data:
 * what the native engine plays itself. Does not read the samples. */
gboolean ja_wav_is_pcm16 (const char *path, GError **error);

/* (transfer full) The whole file mixed down to mono and resampled
 * (linear interpolation) to `rate`; *n_samples set. NULL with
 * JA_MEDIA_ERROR_PIPELINE when the file is not 16-bit PCM WAV. */
gint16 *ja_wav_read_mono (const char *path, guint rate, gsize *n_samples,
                          GError **error);

typedef struct _JaWavWriter JaWavWriter;

/* (transfer full) Opens `path` for 16-bit mono at `rate`. */
JaWavWriter *ja_wav_writer_open (const char *path, guint rate, GError **error);
void ja_wav_writer_write (JaWavWriter *w, const gint16 *pcm, gsize n);
/* Writes the RIFF and data sizes, closes, frees. */
void ja_wav_writer_close (JaWavWriter *w);

G_END_DECLS
