/* bench-video.c — CPU cost of one live VP8 or H.264 call through
 * JaMediaVideo beside the bare codec work: (1) an in-process A→B pair (A:
 * videotestsrc → encoder → RTP → B: jitter buffer → decoder → fakesink,
 * with RTCP both ways) and (2) the gst-launch equivalent, videotestsrc !
 * encoder (same settings) ! [parser !] decoder ! fakesink, each run in real
 * time for S seconds after a 2 s warm-up. Prints the process CPU time
 * (getrusage) of each as a percentage of one core and their ratio (goal:
 * ≤ 1.2).
 * Usage: bench-video [SECONDS [SPEED [CODEC]]] — SPEED > 0 scrolls the
 * colour bars SPEED pixels a frame (videotestsrc horizontal-speed), so that
 * every frame differs; 0 (default) is the still test picture of a call.
 * CODEC: vp8 (default) or h264. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <gst/gst.h>

#include "media/media-video.h"

#define WIDTH 640
#define HEIGHT 480
#define FPS 30
#define KBPS 1000
#define CPU_USED 8

typedef struct {
  JaMediaVideo *a, *b;
} Pair;

static void
forward_a_cb (JaMediaVideo *video, const guint8 *data, gsize len, gpointer p)
{
  ja_media_video_receive (((Pair *)p)->b, data, len);
}

static void
forward_b_cb (JaMediaVideo *video, const guint8 *data, gsize len, gpointer p)
{
  ja_media_video_receive (((Pair *)p)->a, data, len);
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

static void
run_for (GMainLoop *loop, guint ms)
{
  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

/* Runs the loop for `seconds`: CPU % of one core meanwhile. */
static double
measure (GMainLoop *loop, guint seconds)
{
  double cpu0;
  gint64 t0;

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  g_timeout_add_seconds (seconds, quit_cb, loop);
  g_main_loop_run (loop);
  return 100.0 * (cpu_seconds () - cpu0)
         / ((g_get_monotonic_time () - t0) / 1e6);
}

static gboolean h264;

static double
bench_engine (GMainLoop *loop, guint seconds, guint speed, guint64 *frames_out)
{
  Pair pair = { 0 };
  JaMediaVideoConfig a = { 0 }, b = { 0 };
  JaMediaVideoCallbacks cb_a = { .send_rtp = forward_a_cb };
  JaMediaVideoCallbacks cb_b = { .send_rtp = forward_b_cb };
  g_autofree char *source = NULL;
  GError *error = NULL;
  JaMediaVideoStats before, after;
  double cpu;

  source = speed == 0 ? g_strdup ("test")
                      : g_strdup_printf ("pipeline:videotestsrc is-live=true "
                                         "pattern=smpte horizontal-speed=%u",
                                         speed);
  a.source = source;
  a.send_codec = h264 ? "H264" : "VP8";
  a.send_pt = 96;
  a.width = WIDTH;
  a.height = HEIGHT;
  a.fps = FPS;
  a.bitrate_kbps = KBPS;
  a.cpu_used = CPU_USED;
  a.send = TRUE;
  b.sink = "none";
  b.send_codec = a.send_codec;
  b.recv_codecs[96] = a.send_codec;
  b.receive = TRUE;
  pair.b = ja_media_video_new (&b, &cb_b, &pair, &error);
  pair.a = pair.b ? ja_media_video_new (&a, &cb_a, &pair, &error) : NULL;
  if (pair.a == NULL || !ja_media_video_start (pair.b, &error)
      || !ja_media_video_start (pair.a, &error)) {
    fprintf (stderr, "bench-video: %s\n", error->message);
    exit (1);
  }
  run_for (loop, 2000); /* start-up: plugins, negotiation, first keyframe */
  ja_media_video_get_stats (pair.b, &before);
  cpu = measure (loop, seconds);
  ja_media_video_get_stats (pair.b, &after);
  *frames_out = after.frames_decoded - before.frames_decoded;
  ja_media_video_free (pair.a);
  ja_media_video_free (pair.b);
  return cpu;
}

static GstPadProbeReturn
count_cb (GstPad *pad, GstPadProbeInfo *info, gpointer frames)
{
  (*(guint64 *)frames)++;
  return GST_PAD_PROBE_OK;
}

static double
bench_baseline (GMainLoop *loop, guint seconds, guint speed,
                guint64 *frames_out)
{
  /* The encoder settings of media-video.c's configure_vp8() and
   * configure_h264(). */
  g_autofree char *codec
      = h264 ? g_strdup_printf (
                   "openh264enc bitrate=%d rate-control=bitrate gop-size=%d "
                   "multi-thread=1 enable-frame-skip=false complexity=low "
                   "usage-type=camera ! h264parse ! openh264dec",
                   KBPS * 1000, FPS * 10)
             : g_strdup_printf (
                   "vp8enc deadline=1 cpu-used=%d lag-in-frames=0 "
                   "target-bitrate=%d end-usage=cbr error-resilient=default "
                   "keyframe-max-dist=%d ! vp8dec",
                   CPU_USED, KBPS * 1000, FPS * 10);
  g_autofree char *desc = g_strdup_printf (
      "videotestsrc is-live=true pattern=smpte horizontal-speed=%u ! "
      "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! "
      "%s ! fakesink name=sink sync=true",
      speed, WIDTH, HEIGHT, FPS, codec);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstPad) pad = NULL;
  guint64 frames = 0, warm;
  double cpu;

  if (pipeline == NULL) {
    fprintf (stderr, "bench-video: %s\n", error->message);
    exit (1);
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_cb, &frames, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  run_for (loop, 2000);
  warm = frames;
  cpu = measure (loop, seconds);
  *frames_out = frames - warm;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return cpu;
}

int
main (int argc, char **argv)
{
  guint seconds = argc > 1 ? (guint)atoi (argv[1]) : 10;
  guint speed = argc > 2 ? (guint)atoi (argv[2]) : 0;
  g_autoptr (GMainLoop) loop = NULL;
  guint64 engine_frames, base_frames;
  double engine, base;

  h264 = argc > 3 && g_ascii_strcasecmp (argv[3], "h264") == 0;
  gst_init (&argc, &argv);
  loop = g_main_loop_new (NULL, FALSE);
  engine = bench_engine (loop, seconds, speed, &engine_frames);
  base = bench_baseline (loop, seconds, speed, &base_frames);
  printf ("video %dx%d@%d %s %d kbit/s cpu-used=%d speed=%u over %us:\n"
          "  engine (A→B pair, RTP, rtpbin, RTCP): cpu=%.1f%% "
          "frames=%" G_GUINT64_FORMAT "\n"
          "  baseline (videotestsrc ! encoder ! decoder ! fakesink): "
          "cpu=%.1f%% frames=%" G_GUINT64_FORMAT "\n"
          "  ratio=%.2f (CPU per decoded frame: %.2f)\n",
          WIDTH, HEIGHT, FPS, h264 ? "h264" : "vp8", KBPS, CPU_USED, speed,
          seconds, engine,
          engine_frames, base, base_frames, base > 0 ? engine / base : 0,
          base > 0 && engine_frames > 0 && base_frames > 0
              ? (engine / engine_frames) / (base / base_frames)
              : 0);
  return 0;
}
