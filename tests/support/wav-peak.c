/* wav-peak.c — `wav-peak FILE`: prints the dominant frequency of a 16-bit
 * PCM WAV file, the share of the energy within ±15 Hz of it, the duration
 * and the RMS level, as one line of key=value pairs for shell tests:
 *   frequency=440.0 share=0.982 duration=2.013 rms=0.2810
 * Exit status 1 when the file cannot be read. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/support/ja-test-tone.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  JaTestTone tone;

  if (argc != 2) {
    fprintf (stderr, "usage: %s FILE.wav\n", argv[0]);
    return 2;
  }
  if (!ja_test_tone_analyse_wav (argv[1], &tone, &error)) {
    fprintf (stderr, "wav-peak: %s\n", error->message);
    return 1;
  }
  printf ("frequency=%.1f share=%.3f duration=%.3f rms=%.4f\n", tone.peak_hz,
          tone.peak_share, tone.duration_s, tone.rms);
  return 0;
}
