/* wav-peak.c — `wav-peak FILE`: prints the dominant frequency of a 16-bit
 * PCM WAV file, the share of the energy within ±15 Hz of it, the duration
 * and the RMS level, as one line of key=value pairs for shell tests:
 *   frequency=440.0 share=0.982 duration=2.013 rms=0.2810
 * `wav-peak --last SECONDS FILE` looks at the last SECONDS of the file
 * only (duration is then what was analysed).
 * Exit status 1 when the file cannot be read, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/ja-test-tone.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  JaTestTone tone;
  double last = 0;
  char *end = NULL;

  if (argc == 4 && strcmp (argv[1], "--last") == 0) {
    last = g_ascii_strtod (argv[2], &end);
    if (end == argv[2] || *end != '\0' || !(last > 0)) {
      fprintf (stderr, "wav-peak: --last takes a number of seconds > 0\n");
      return 2;
    }
    argv += 2;
    argc -= 2;
  }
  if (argc != 2) {
    fprintf (stderr, "usage: %s [--last SECONDS] FILE.wav\n", argv[0]);
    return 2;
  }
  if (!ja_test_tone_analyse_wav_tail (argv[1], last, &tone, &error)) {
    fprintf (stderr, "wav-peak: %s\n", error->message);
    return 1;
  }
  printf ("frequency=%.1f share=%.3f duration=%.3f rms=%.4f\n", tone.peak_hz,
          tone.peak_share, tone.duration_s, tone.rms);
  return 0;
}
