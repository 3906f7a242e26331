/* test-tone.c — the WAV tone analyser of tests/support on generated
 * signals: single tones at several rates, two mixed tones, silence, noise,
 * stereo, and a WAV round trip through wav-peak's reader. */
#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "tests/support/ja-test-tone.h"

static gint16 *
make_tones (guint rate, double seconds, guint channels, const double *freqs,
            const double *amps, guint n_tones, gsize *n_frames)
{
  gsize n = (gsize)(rate * seconds);
  gint16 *s = g_new0 (gint16, n * channels);

  for (gsize i = 0; i < n; i++) {
    double v = 0;

    for (guint t = 0; t < n_tones; t++)
      v += amps[t] * sin (2 * G_PI * freqs[t] * i / rate);
    for (guint c = 0; c < channels; c++)
      s[i * channels + c] = (gint16)lrint (v * 32767);
  }
  *n_frames = n;
  return s;
}

static void
test_single_tones (void)
{
  static const struct {
    guint rate;
    double freq;
  } cases[] = {
    { 48000, 440 },
    { 8000, 1000 },
    { 16000, 697 },
    { 44100, 3150.5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    double amp = 0.5;
    gsize n;
    g_autofree gint16 *s
        = make_tones (cases[i].rate, 1.5, 1, &cases[i].freq, &amp, 1, &n);
    JaTestTone tone;

    ja_test_tone_analyse (s, n, 1, cases[i].rate, &tone);
    g_assert_cmpfloat_with_epsilon (tone.peak_hz, cases[i].freq, 1.0);
    g_assert_cmpfloat (tone.peak_share, >, 0.99);
    g_assert_cmpfloat_with_epsilon (tone.duration_s, 1.5, 0.001);
    /* A sine of amplitude A has RMS A/√2. */
    g_assert_cmpfloat_with_epsilon (tone.rms, amp / G_SQRT2, 0.01);
  }
}

static void
test_two_tones (void)
{
  double freqs[] = { 1000, 440 };
  double amps[] = { 0.2, 0.6 };
  gsize n;
  g_autofree gint16 *s = make_tones (48000, 2, 1, freqs, amps, 2, &n);
  JaTestTone tone;

  ja_test_tone_analyse (s, n, 1, 48000, &tone);
  g_assert_cmpfloat_with_epsilon (tone.peak_hz, 440, 1.0);
  /* Energy ratio 0.36 : 0.04 → 90 % in the 440 Hz band. */
  g_assert_cmpfloat_with_epsilon (tone.peak_share, 0.9, 0.02);

  /* Equal-ish mix: the louder one still wins, with about half the energy. */
  amps[0] = 0.5;
  amps[1] = 0.45;
  g_free (s);
  s = make_tones (48000, 2, 1, freqs, amps, 2, &n);
  ja_test_tone_analyse (s, n, 1, 48000, &tone);
  g_assert_cmpfloat_with_epsilon (tone.peak_hz, 1000, 1.0);
  g_assert_cmpfloat (tone.peak_share, >, 0.5);
  g_assert_cmpfloat (tone.peak_share, <, 0.6);
}

static void
test_silence (void)
{
  g_autofree gint16 *s = g_new0 (gint16, 48000);
  JaTestTone tone;

  ja_test_tone_analyse (s, 48000, 1, 48000, &tone);
  g_assert_cmpfloat (tone.peak_hz, ==, 0);
  g_assert_cmpfloat (tone.peak_share, ==, 0);
  g_assert_cmpfloat (tone.rms, ==, 0);
  g_assert_cmpfloat_with_epsilon (tone.duration_s, 1.0, 0.001);
}

static void
test_noise_has_no_dominant_tone (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree gint16 *s = g_new0 (gint16, 96000);
  JaTestTone tone;

  for (guint i = 0; i < 96000; i++)
    s[i] = (gint16)g_rand_int_range (rand, -8000, 8000);
  ja_test_tone_analyse (s, 96000, 1, 48000, &tone);
  /* White noise spreads evenly: a 30 Hz band holds ~0.1 % of 24 kHz. */
  g_assert_cmpfloat (tone.peak_share, <, 0.01);
  g_assert_cmpfloat (tone.rms, >, 0.1);
}

static void
test_wav_round_trip (void)
{
  double freq = 440, amp = 0.3;
  gsize n;
  g_autofree gint16 *s = make_tones (48000, 2, 2, &freq, &amp, 1, &n);
  g_autofree char *dir = g_dir_make_tmp ("ja-tone-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tone.wav", NULL);
  g_autoptr (GError) error = NULL;
  JaTestTone tone;

  g_assert_true (ja_test_tone_write_wav (path, s, n, 2, 48000, &error));
  g_assert_no_error (error);
  g_assert_true (ja_test_tone_analyse_wav (path, &tone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tone.channels, ==, 2);
  g_assert_cmpuint (tone.rate, ==, 48000);
  g_assert_cmpfloat_with_epsilon (tone.peak_hz, 440, 1.0);
  g_assert_cmpfloat (tone.peak_share, >, 0.99);
  g_assert_cmpfloat_with_epsilon (tone.duration_s, 2.0, 0.001);

  /* The tail only: 440 Hz for 2 s, then 880 Hz for 1 s; the last second
   * is 880 Hz alone, the whole file mostly 440 Hz. */
  {
    double f2 = 880;
    gsize n2;
    g_autofree gint16 *t2 = make_tones (48000, 1, 2, &f2, &amp, 1, &n2);
    g_autofree gint16 *both = g_new (gint16, (n + n2) * 2);

    memcpy (both, s, n * 2 * sizeof (gint16));
    memcpy (both + n * 2, t2, n2 * 2 * sizeof (gint16));
    g_assert_true (ja_test_tone_write_wav (path, both, n + n2, 2, 48000,
                                          &error));
    g_assert_true (ja_test_tone_analyse_wav_tail (path, 1.0, &tone, &error));
    g_assert_no_error (error);
    g_assert_cmpfloat_with_epsilon (tone.peak_hz, 880, 1.0);
    g_assert_cmpfloat (tone.peak_share, >, 0.99);
    g_assert_cmpfloat_with_epsilon (tone.duration_s, 1.0, 0.001);
    g_assert_true (ja_test_tone_analyse_wav_tail (path, 10.0, &tone, &error));
    g_assert_cmpfloat_with_epsilon (tone.duration_s, 3.0, 0.001);
    g_assert_cmpfloat_with_epsilon (tone.peak_hz, 440, 1.0);
  }

  /* Not a WAV file: an error, not a result. */
  g_assert_true (g_file_set_contents (path, "hello", 5, NULL));
  g_assert_false (ja_test_tone_analyse_wav (path, &tone, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/tone/single", test_single_tones);
  g_test_add_func ("/media/tone/two-tones", test_two_tones);
  g_test_add_func ("/media/tone/silence", test_silence);
  g_test_add_func ("/media/tone/noise", test_noise_has_no_dominant_tone);
  g_test_add_func ("/media/tone/wav-round-trip", test_wav_round_trip);
  return g_test_run ();
}
