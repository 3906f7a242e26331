/* ja-test-tone.c — see ja-test-tone.h. The WAV reader follows the RIFF
 * chunk layout (fmt, data; other chunks skipped); the FFT is an iterative
 * in-place radix-2 Cooley–Tukey over at most MAX_FFT samples taken from the
 * middle of the signal. */
#include "tests/support/ja-test-tone.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#define MAX_FFT (1u << 18)

static void
fft (double *re, double *im, gsize n)
{
  /* Bit-reversal permutation. */
  for (gsize i = 1, j = 0; i < n; i++) {
    gsize bit = n >> 1;

    for (; j & bit; bit >>= 1)
      j ^= bit;
    j ^= bit;
    if (i < j) {
      double t = re[i];

      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (gsize len = 2; len <= n; len <<= 1) {
    double angle = -2 * G_PI / len;
    double wr = cos (angle), wi = sin (angle);

    for (gsize i = 0; i < n; i += len) {
      double cr = 1, ci = 0;

      for (gsize k = 0; k < len / 2; k++) {
        gsize a = i + k, b = i + k + len / 2;
        double xr = re[b] * cr - im[b] * ci;
        double xi = re[b] * ci + im[b] * cr;
        double ncr;

        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

void
ja_test_tone_analyse (const gint16 *samples, gsize n_frames, guint channels,
                      guint rate, JaTestTone *out)
{
  gsize n = 1, used, start;
  g_autofree double *re = NULL;
  g_autofree double *im = NULL;
  g_autofree double *power = NULL;
  double total = 0, band = 0, sum_sq = 0, bin_hz;
  gsize peak = 0, half;

  memset (out, 0, sizeof *out);
  out->rate = rate;
  out->channels = channels;
  if (rate == 0 || channels == 0)
    return;
  out->duration_s = (double)n_frames / rate;
  if (n_frames < 2)
    return;

  while (n < n_frames && n < MAX_FFT)
    n <<= 1;
  used = MIN (n_frames, n);
  start = (n_frames - used) / 2;
  re = g_new0 (double, n);
  im = g_new0 (double, n);
  for (gsize i = 0; i < used; i++) {
    double v = 0;
    double w = 0.5 - 0.5 * cos (2 * G_PI * i / (used - 1));

    for (guint c = 0; c < channels; c++)
      v += samples[(start + i) * channels + c];
    v /= 32768.0 * channels;
    sum_sq += v * v;
    re[i] = v * w;
  }
  out->rms = sqrt (sum_sq / used);
  fft (re, im, n);

  half = n / 2;
  bin_hz = (double)rate / n;
  power = g_new0 (double, half + 1);
  /* Skip DC and the first bins its window lobe spreads into. */
  for (gsize k = 3; k <= half; k++) {
    power[k] = re[k] * re[k] + im[k] * im[k];
    total += power[k];
    if (power[k] > power[peak])
      peak = k;
  }
  if (peak == 0 || total < 1e-12)
    return; /* silence */

  {
    double shift = 0;
    gsize band_bins = (gsize)ceil (JA_TEST_TONE_BAND_HZ / bin_hz);
    gsize lo = peak > band_bins ? peak - band_bins : 0;
    gsize hi = MIN (half, peak + band_bins);

    if (peak > 3 && peak < half) {
      /* Parabolic interpolation on log power around the peak bin. */
      double a = log (power[peak - 1] + 1e-30);
      double b = log (power[peak] + 1e-30);
      double c = log (power[peak + 1] + 1e-30);
      double d = a - 2 * b + c;

      if (d < 0)
        shift = 0.5 * (a - c) / d;
    }
    out->peak_hz = (peak + shift) * bin_hz;
    for (gsize k = lo; k <= hi; k++)
      band += power[k];
    out->peak_share = band / total;
  }
}

/* Unaligned little-endian reads (RIFF chunks are only 2-byte aligned). */
static guint32
read_le32 (const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16
         | (guint32)p[3] << 24;
}

static guint16
read_le16 (const guint8 *p)
{
  return (guint16)(p[0] | p[1] << 8);
}

static gboolean
wav_error (GError **error, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s: not a 16-bit PCM WAV file (%s)", path, what);
  return FALSE;
}

gboolean
ja_test_tone_analyse_wav (const char *path, JaTestTone *out, GError **error)
{
  return ja_test_tone_analyse_wav_tail (path, 0, out, error);
}

gboolean
ja_test_tone_analyse_wav_tail (const char *path, double last_s,
                               JaTestTone *out, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize len, off = 12;
  guint channels = 0, rate = 0, bits = 0, format = 0;
  gboolean have_fmt = FALSE;

  if (!g_file_get_contents (path, (char **)&data, &len, error))
    return FALSE;
  if (len < 12 || memcmp (data, "RIFF", 4) != 0
      || memcmp (data + 8, "WAVE", 4) != 0)
    return wav_error (error, path, "no RIFF/WAVE header");
  while (off + 8 <= len) {
    guint32 size = read_le32 (data + off + 4);
    const guint8 *body = data + off + 8;
    gsize avail = len - off - 8;

    if (memcmp (data + off, "fmt ", 4) == 0) {
      if (size < 16 || avail < 16)
        return wav_error (error, path, "short fmt chunk");
      format = read_le16 (body);
      channels = read_le16 (body + 2);
      rate = read_le32 (body + 4);
      bits = read_le16 (body + 14);
      have_fmt = TRUE;
    } else if (memcmp (data + off, "data", 4) == 0) {
      gsize bytes;
      g_autofree gint16 *samples = NULL;

      if (!have_fmt)
        return wav_error (error, path, "data before fmt");
      if ((format != 1 && format != 0xfffe) || bits != 16 || channels == 0)
        return wav_error (error, path, "unsupported sample format");
      /* A writer killed before finishing leaves size 0 or too large: take
       * what the file holds. */
      bytes = size == 0 || size > avail ? avail : size;
      bytes -= bytes % (2 * channels);
      samples = g_malloc (bytes + 2);
      gsize frames, skip = 0;

      for (gsize i = 0; i < bytes / 2; i++)
        samples[i] = (gint16)read_le16 (body + 2 * i);
      frames = bytes / 2 / channels;
      if (last_s > 0 && last_s * rate < frames)
        skip = frames - (gsize)(last_s * rate);
      ja_test_tone_analyse (samples + skip * channels, frames - skip,
                            channels, rate, out);
      return TRUE;
    }
    off += 8 + (gsize)size + (size & 1);
  }
  return wav_error (error, path, "no data chunk");
}

gboolean
ja_test_tone_write_wav (const char *path, const gint16 *samples, gsize n_frames,
                        guint channels, guint rate, GError **error)
{
  gsize bytes = n_frames * channels * 2;
  g_autofree guint8 *buf = g_malloc (44 + bytes);
  guint32 u32;
  guint16 u16;

#define PUT32(off, v) (u32 = GUINT32_TO_LE (v), memcpy (buf + (off), &u32, 4))
#define PUT16(off, v) (u16 = GUINT16_TO_LE (v), memcpy (buf + (off), &u16, 2))
  memcpy (buf, "RIFF", 4);
  PUT32 (4, 36 + bytes);
  memcpy (buf + 8, "WAVEfmt ", 8);
  PUT32 (16, 16);
  PUT16 (20, 1);
  PUT16 (22, channels);
  PUT32 (24, rate);
  PUT32 (28, rate * channels * 2);
  PUT16 (32, channels * 2);
  PUT16 (34, 16);
  memcpy (buf + 36, "data", 4);
  PUT32 (40, bytes);
#undef PUT32
#undef PUT16
  for (gsize i = 0; i < n_frames * channels; i++) {
    u16 = GUINT16_TO_LE ((guint16)samples[i]);
    memcpy (buf + 44 + 2 * i, &u16, 2);
  }
  return g_file_set_contents (path, (const char *)buf, 44 + bytes, error);
}
