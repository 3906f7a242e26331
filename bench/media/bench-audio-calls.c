/* bench-audio-calls.c — CPU cost of live Opus calls through JaMediaAudio:
 * N in-process A→B pairs (A: test:440 → opusenc → RTP; B: RTP → jitter
 * buffer → opusdec → fakesink, no recording) run in real time for S
 * seconds; prints the process CPU time (getrusage) per call as a
 * percentage of one core. ENGINE: gstreamer (default) or native.
 * Usage: bench-audio-calls [N [SECONDS [ENGINE]]]. */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "media/media-audio.h"

typedef struct {
  JaMediaAudio *a, *b;
  guint64 packets;
} Pair;

static void
forward_cb (JaMediaAudio *audio, const guint8 *data, gsize len, gpointer p)
{
  Pair *pair = p;

  pair->packets++;
  ja_media_audio_receive (pair->b, data, len);
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
         + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint)atoi (argv[1]) : 10;
  guint seconds = argc > 2 ? (guint)atoi (argv[2]) : 10;
  int engine = argc > 3 && strcmp (argv[3], "native") == 0
                   ? JA_MEDIA_AUDIO_ENGINE_NATIVE
                   : JA_MEDIA_AUDIO_ENGINE_GSTREAMER;
  g_autofree Pair *pairs = g_new0 (Pair, n);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  JaMediaAudioCallbacks cb_a = { .send_rtp = forward_cb };
  JaMediaAudioCallbacks cb_b = { 0 };
  double cpu0, cpu1;
  gint64 t0, t1;
  guint64 packets = 0, received = 0, lost = 0;

  for (guint i = 0; i < n; i++) {
    JaMediaAudioConfig a = { 0 }, b = { 0 };
    GError *error = NULL;

    a.source = "test:440";
    a.send_codec = "opus";
    a.send_pt = 111;
    a.send_clock_rate = 48000;
    a.send = TRUE;
    b.sink = "none";
    b.recv_codecs[111] = "opus";
    b.recv_clock_rates[111] = 48000;
    b.receive = TRUE;
    a.engine = b.engine = engine;
    pairs[i].b = ja_media_audio_new (&b, &cb_b, NULL, &error);
    pairs[i].a
        = pairs[i].b ? ja_media_audio_new (&a, &cb_a, &pairs[i], &error) : NULL;
    if (pairs[i].a == NULL || !ja_media_audio_start (pairs[i].b, &error)
        || !ja_media_audio_start (pairs[i].a, &error)) {
      fprintf (stderr, "bench-audio-calls: %s\n", error->message);
      return 1;
    }
  }
  /* Skip the start-up (plugin loading, negotiation). */
  g_timeout_add (1000, quit_cb, loop);
  g_main_loop_run (loop);
  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  g_timeout_add_seconds (seconds, quit_cb, loop);
  g_main_loop_run (loop);
  cpu1 = cpu_seconds ();
  t1 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++) {
    JaMediaAudioStats st;

    ja_media_audio_get_stats (pairs[i].b, &st);
    packets += pairs[i].packets;
    received += st.packets_received;
    lost += st.packets_lost > 0 ? (guint64)st.packets_lost : 0;
    ja_media_audio_free (pairs[i].a);
    ja_media_audio_free (pairs[i].b);
  }
  {
    double wall = (t1 - t0) / 1e6, cpu = cpu1 - cpu0;

    printf ("engine=%s calls=%u wall=%.2fs cpu=%.2fs cpu_per_call=%.2f%% "
            "packets=%" G_GUINT64_FORMAT " received=%" G_GUINT64_FORMAT
            " lost=%" G_GUINT64_FORMAT "\n",
            engine == JA_MEDIA_AUDIO_ENGINE_NATIVE ? "native" : "gstreamer",
            n, wall, cpu, 100.0 * cpu / wall / n, packets, received, lost);
  }
  return 0;
}
