/* bench-opus.c — the Opus ceiling of concurrent calls: libopus called
 * directly encodes and decodes 20 ms frames of a 440 Hz sine (48 kHz mono
 * S16, 64 kbit/s constrained VBR, complexity 10, fullband,
 * OPUS_APPLICATION_VOIP: what both audio engines use — GStreamer's opusenc
 * with audio-type=voice as media/media-audio.c sets it, and
 * media/audio-native.c) as fast as it can, on one thread. MODE "audio"
 * measures OPUS_APPLICATION_AUDIO with plain VBR instead (the baseline
 * before the native engine). Each side of a call encodes what it sends and decodes
 * what it receives, so one encode + one decode per 20 ms is one call's codec
 * work. Prints seconds of audio per CPU second (= calls one core could
 * carry if it did nothing else) and that times the online cores. Run on
 * demand only:
 *
 *   build/bench/bench-opus [SECONDS_OF_AUDIO [MODE]]  (default 600 voice)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <opus.h>

#define RATE 48000
#define FRAME (RATE / 50)       /* 20 ms */
#define MAX_PACKET 1500

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
wall_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  long seconds = argc > 1 ? atol (argv[1]) : 600;
  long frames = seconds * 50;
  long cores = sysconf (_SC_NPROCESSORS_ONLN);
  int voice = argc <= 2 || strcmp (argv[2], "audio") != 0;
  /* One second of sine, looped: 440 Hz fits it exactly. */
  static opus_int16 sine[RATE];
  static opus_int16 out[FRAME];
  unsigned char packet[MAX_PACKET];
  OpusEncoder *enc;
  OpusDecoder *dec;
  double cpu0, cpu1, wall0, wall1, enc_bytes = 0;
  int err;

  if (seconds < 1 || seconds > 100000) {
    fprintf (stderr, "usage: %s [SECONDS_OF_AUDIO]\n", argv[0]);
    return 2;
  }
  for (int i = 0; i < RATE; i++)
    sine[i] = (opus_int16) (0.5 * 32767 * sin (2 * M_PI * 440.0 * i / RATE));
  enc = opus_encoder_create (RATE, 1,
      voice ? OPUS_APPLICATION_VOIP : OPUS_APPLICATION_AUDIO, &err);
  if (enc == NULL) {
    fprintf (stderr, "opus_encoder_create: %s\n", opus_strerror (err));
    return 1;
  }
  dec = opus_decoder_create (RATE, 1, &err);
  if (dec == NULL) {
    fprintf (stderr, "opus_decoder_create: %s\n", opus_strerror (err));
    return 1;
  }
  opus_encoder_ctl (enc, OPUS_SET_BITRATE (64000));
  opus_encoder_ctl (enc, OPUS_SET_COMPLEXITY (10));
  opus_encoder_ctl (enc, OPUS_SET_VBR (1));
  if (voice) {
    opus_encoder_ctl (enc, OPUS_SET_VBR_CONSTRAINT (1));
    opus_encoder_ctl (enc, OPUS_SET_BANDWIDTH (OPUS_BANDWIDTH_FULLBAND));
  }

  cpu0 = cpu_now ();
  wall0 = wall_now ();
  for (long f = 0; f < frames; f++) {
    const opus_int16 *pcm = sine + (f % 50) * FRAME;
    opus_int32 n = opus_encode (enc, pcm, FRAME, packet, sizeof packet);
    int d;

    if (n < 0) {
      fprintf (stderr, "opus_encode: %s\n", opus_strerror (n));
      return 1;
    }
    enc_bytes += n;
    d = opus_decode (dec, packet, n, out, FRAME, 0);
    if (d != FRAME) {
      fprintf (stderr, "opus_decode: %s\n", opus_strerror (d));
      return 1;
    }
  }
  cpu1 = cpu_now ();
  wall1 = wall_now ();
  opus_encoder_destroy (enc);
  opus_decoder_destroy (dec);
  {
    double cpu = cpu1 - cpu0;
    double per_cpu_s = seconds / cpu;

    printf ("opus (%s): %ld s of 20 ms frames (48 kHz mono, %.1f kbit/s) encoded "
        "+ decoded in %.2f s CPU (%.2f s wall): %.0f s of audio per CPU s, "
        "%.1f us per frame pair, %.3f%% of a core per call\n",
        voice ? "voip, cvbr" : "audio, vbr", seconds,
        enc_bytes * 8 / seconds / 1000, cpu, wall1 - wall0, per_cpu_s,
        cpu / frames * 1e6, 100.0 / per_cpu_s);
    printf ("opus-ceiling: %ld cores x %.0f = %.0f concurrent calls "
        "(codec work only)\n", cores, per_cpu_s, per_cpu_s * cores);
  }
  return 0;
}
