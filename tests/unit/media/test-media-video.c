/* test-media-video.c — two JaMediaVideo engines in one process, wired back
 * to back: A's send_rtp feeds B's receive and B's (RTCP feedback) feeds A's
 * (plaintext RTP + muxed RTCP, no network). What a user would check: B
 * decodes a steady 640x480 picture, a snapshot shows the SMPTE colour bars
 * where they belong, the WebM recording plays back, losses are repaired by
 * NACK + RTX or by a keyframe after a PLI, and teardown mid-stream is
 * clean. Decoded pictures are read back through GStreamer (decodebin). */
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "media/media-error.h"
#include "media/media-video.h"

#define VP8_PT 96
#define RTX_PT 97

typedef struct _Peer Peer;

struct _Peer {
  const char *name;
  JaMediaVideo *video;
  Peer *remote;
  char *record_path;
  guint drop_every; /* drop every Nth RTP packet towards remote */
  guint rtp_seen, rtcp_seen, dropped;
  guint first_width, first_height;
  guint first_frames;
  guint errors;
  guint source_eos;
  guint free_after; /* free self from send_rtp after N packets */
  gboolean freed_in_callback;
};

/* Every callback must run on the creator's (here: the main) thread. */
static GThread *main_thread;

typedef struct {
  char *dir;
  Peer a, b;
} Fixture;

static void
send_rtp_cb (JaMediaVideo *video, const guint8 *data, gsize len,
             gpointer user_data)
{
  Peer *p = user_data;
  gboolean rtcp = len >= 2 && (data[1] & 0x7f) >= 64 && (data[1] & 0x7f) <= 95;

  g_assert_true (g_thread_self () == main_thread);
  if (rtcp) {
    p->rtcp_seen++;
  } else {
    p->rtp_seen++;
    if (p->drop_every != 0 && p->rtp_seen % p->drop_every == 0) {
      p->dropped++;
      return;
    }
  }
  if (p->remote->video != NULL)
    ja_media_video_receive (p->remote->video, data, len);
  if (p->free_after != 0 && p->rtp_seen >= p->free_after && !rtcp) {
    ja_media_video_free (p->video);
    p->video = NULL;
    p->freed_in_callback = TRUE;
    p->free_after = 0;
  }
}

static void
first_frame_cb (JaMediaVideo *video, guint width, guint height,
                gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  p->first_frames++;
  p->first_width = width;
  p->first_height = height;
}

static void
error_cb (JaMediaVideo *video, const GError *error, gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_test_message ("%s: media error: %s", p->name, error->message);
  p->errors++;
}

static void
source_eos_cb (JaMediaVideo *video, gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  p->source_eos++;
}

static const JaMediaVideoCallbacks callbacks = {
  .send_rtp = send_rtp_cb,
  .first_frame = first_frame_cb,
  .source_eos = source_eos_cb,
  .error = error_cb,
};

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("ja-media-video-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->a.name = "A";
  f->b.name = "B";
  f->a.remote = &f->b;
  f->b.remote = &f->a;
  f->a.record_path = g_build_filename (f->dir, "a.webm", NULL);
  f->b.record_path = g_build_filename (f->dir, "b.webm", NULL);
}

static void
peer_clear (Peer *p)
{
  g_clear_pointer (&p->video, ja_media_video_free);
  g_unlink (p->record_path);
  g_free (p->record_path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  /* Free both before clearing either: a callback may still refer to the
   * other peer. */
  g_clear_pointer (&f->a.video, ja_media_video_free);
  g_clear_pointer (&f->b.video, ja_media_video_free);
  g_assert_cmpuint (f->a.errors, ==, 0);
  g_assert_cmpuint (f->b.errors, ==, 0);
  peer_clear (&f->a);
  peer_clear (&f->b);
  g_rmdir (f->dir);
  g_free (f->dir);
}

typedef struct {
  gboolean send, receive;
  gboolean rtx;    /* RFC 4588 both ways: RTX_PT repairs VP8_PT */
  gboolean record; /* to p->record_path */
  guint32 ssrc;
  const char *source; /* NULL: test */
  guint width, height, fps;
  const char *codec; /* NULL: VP8 */
} PeerSetup;

static void
peer_create (Peer *p, const PeerSetup *s)
{
  JaMediaVideoConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;

  cfg.source = s->source ? s->source : "test";
  cfg.width = s->width;
  cfg.height = s->height;
  cfg.fps = s->fps;
  cfg.sink = "none";
  cfg.record_path = s->record ? p->record_path : NULL;
  cfg.send_codec = s->codec ? s->codec : "VP8";
  cfg.send_pt = VP8_PT;
  cfg.recv_codecs[VP8_PT] = cfg.send_codec;
  if (s->rtx) {
    cfg.send_rtx_pt = RTX_PT;
    cfg.recv_rtx_apt[RTX_PT] = VP8_PT;
  }
  cfg.local_ssrc = s->ssrc;
  cfg.send = s->send;
  cfg.receive = s->receive;
  p->video = ja_media_video_new (&cfg, &callbacks, p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p->video);
}

static void
start_both (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_media_video_start (f->b.video, &error));
  g_assert_no_error (error);
  g_assert_true (ja_media_video_start (f->a.video, &error));
  g_assert_no_error (error);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context for ms milliseconds (the engines run in
 * real time). */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs until B has decoded its first frame (start-up: plugin loading, the
 * first keyframe), at most timeout_ms. */
static void
run_until_first_frame (Peer *p, guint timeout_ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &done);

  while (!done && p->first_frames == 0)
    g_main_context_iteration (NULL, TRUE);
  if (!done)
    g_source_remove (id);
}

/* --- reading pictures back ---------------------------------------------- */

typedef struct {
  guint frames;
  guint width, height;
  GstBuffer *first; /* RGB, packed rows of `stride` bytes */
  guint stride;
} Decoded;

static void
decoded_clear (Decoded *d)
{
  gst_clear_buffer (&d->first);
}

/* Decodes any picture or video file (decodebin) to RGB and keeps the first
 * frame. */
static void
decode_file (const char *path, Decoded *out)
{
  g_autofree char *desc
      = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! "
                         "video/x-raw,format=RGB ! appsink name=out sync=false",
                         path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr (GstElement) sink = NULL;
  GstSample *sample;

  g_assert_no_error (error);
  memset (out, 0, sizeof *out);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  while (
      (sample = NULL,
       g_signal_emit_by_name (sink, "try-pull-sample", 5 * GST_SECOND, &sample),
       sample != NULL)) {
    if (out->frames++ == 0) {
      GstStructure *s
          = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
      int w = 0, h = 0;

      g_assert_true (gst_structure_get_int (s, "width", &w));
      g_assert_true (gst_structure_get_int (s, "height", &h));
      out->width = (guint)w;
      out->height = (guint)h;
      out->stride = GST_ROUND_UP_4 (out->width * 3); /* GStreamer's RGB */
      out->first = gst_buffer_ref (gst_sample_get_buffer (sample));
    }
    gst_sample_unref (sample);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

static void
pixel_at (const Decoded *d, guint x, guint y, guint8 rgb[3])
{
  g_assert_cmpuint (
      gst_buffer_extract (d->first, y * d->stride + x * 3, rgb, 3), ==, 3);
}

/* The top two thirds of videotestsrc's SMPTE pattern: seven full-level
 * bars, left to right. */
static const struct {
  const char *name;
  guint8 rgb[3];
} smpte_bars[] = {
  { "white", { 255, 255, 255 } }, { "yellow", { 255, 255, 0 } },
  { "cyan", { 0, 255, 255 } },    { "green", { 0, 255, 0 } },
  { "magenta", { 255, 0, 255 } }, { "red", { 255, 0, 0 } },
  { "blue", { 0, 0, 255 } },
};

static void
assert_smpte_bars (const Decoded *d)
{
  for (guint i = 0; i < G_N_ELEMENTS (smpte_bars); i++) {
    guint x = (2 * i + 1) * d->width / 14; /* the middle of bar i */
    guint y = d->height / 3;
    guint8 rgb[3];

    pixel_at (d, x, y, rgb);
    g_test_message ("bar %u (%s) at %u,%u: %u %u %u", i, smpte_bars[i].name, x,
                    y, rgb[0], rgb[1], rgb[2]);
    /* VP8 is lossy and I420 → RGB rounds: a generous band, still far
     * from any neighbouring bar's colour (0 vs 255 per channel). */
    for (guint c = 0; c < 3; c++)
      g_assert_cmpint (ABS ((int)rgb[c] - (int)smpte_bars[i].rgb[c]), <=, 40);
  }
}

/* --- tests -------------------------------------------------------------- */

/* data: the codec (NULL: VP8). */
static void
test_decode (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { TRUE, FALSE, FALSE, FALSE, 0x1111 };
  PeerSetup sb = { FALSE, TRUE, FALSE, FALSE, 0x2222 };
  JaMediaVideoStats st_a, st_b;
  guint64 keyframes;

  sa.codec = sb.codec = data;
  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_until_first_frame (&f->b, 10000);
  g_assert_cmpuint (f->b.first_frames, ==, 1);
  g_assert_cmpuint (f->b.first_width, ==, 640);
  g_assert_cmpuint (f->b.first_height, ==, 480);
  /* The jitter buffer releases its start-up backlog in a burst: measure
   * the steady rate after it. */
  run_for (500);
  /* Starts the rate intervals. */
  ja_media_video_get_stats (f->a.video, &st_a);
  ja_media_video_get_stats (f->b.video, &st_b);
  run_for (2000);

  ja_media_video_get_stats (f->a.video, &st_a);
  ja_media_video_get_stats (f->b.video, &st_b);
  g_test_message ("A sent %" G_GUINT64_FORMAT " frames (%" G_GUINT64_FORMAT
                  " key) in %" G_GUINT64_FORMAT " packets, %.0f kbit/s; "
                  "B decoded %" G_GUINT64_FORMAT " at %.1f fps",
                  st_a.frames_sent, st_a.keyframes_sent, st_a.packets_sent,
                  st_a.send_kbps, st_b.frames_decoded, st_b.decode_fps);
  /* ~30 frames a second for 2.5 s, on a shared machine. */
  g_assert_cmpuint (st_b.frames_decoded, >, 50);
  g_assert_cmpuint (st_b.frames_decoded, <=, st_a.frames_sent);
  g_assert_cmpfloat (st_b.decode_fps, >, 20);
  g_assert_cmpfloat (st_b.decode_fps, <, 35);
  g_assert_cmpuint (st_b.width, ==, 640);
  g_assert_cmpuint (st_b.height, ==, 480);
  /* Frames span several packets; nothing was lost, nothing repaired. */
  g_assert_cmpuint (st_a.packets_sent, >, st_a.frames_sent);
  g_assert_cmpuint (st_a.packets_sent, ==, f->a.rtp_seen);
  g_assert_cmpuint (st_b.packets_received, ==, st_a.packets_sent);
  g_assert_cmpuint (st_b.bytes_received, ==, st_a.bytes_sent);
  g_assert_cmpint (st_b.packets_lost, ==, 0);
  g_assert_cmpuint (st_b.nacks_sent, ==, 0);
  g_assert_cmpuint (st_b.rtx_received, ==, 0);
  /* One keyframe at the start; the periodic one is 10 s away. */
  g_assert_cmpuint (st_a.keyframes_sent, >=, 1);
  g_assert_cmpuint (st_b.keyframes_received, ==, st_a.keyframes_sent);
  /* The bars are a still picture: CBR cannot even fill its target. */
  g_assert_cmpfloat (st_b.recv_kbps, >, 50);
  g_assert_cmpfloat (st_a.send_kbps, <, JA_MEDIA_VIDEO_DEFAULT_KBPS * 1.5);
  g_assert_cmpfloat_with_epsilon (st_b.recv_kbps, st_a.send_kbps,
                                  st_a.send_kbps / 5);
  /* B sends no RTP towards A. */
  g_assert_cmpuint (f->b.rtp_seen, ==, 0);

  /* A keyframe on request (what a PLI from the peer does). */
  keyframes = st_a.keyframes_sent;
  ja_media_video_force_keyframe (f->a.video);
  run_for (500);
  ja_media_video_get_stats (f->a.video, &st_a);
  ja_media_video_get_stats (f->b.video, &st_b);
  g_assert_cmpuint (st_a.keyframes_sent, ==, keyframes + 1);
  g_assert_cmpuint (st_b.keyframes_received, ==, keyframes + 1);
}

static void
test_snapshot (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { TRUE, FALSE, FALSE, FALSE, 0 };
  PeerSetup sb = { FALSE, TRUE, FALSE, FALSE, 0 };
  g_autofree char *png = g_build_filename (f->dir, "frame.png", NULL);
  g_autoptr (GError) error = NULL;
  Decoded d;

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  /* Nothing decoded yet: nothing to save. */
  g_assert_false (ja_media_video_save_frame_png (f->b.video, png, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  start_both (f);
  run_until_first_frame (&f->b, 10000);
  run_for (500);
  g_assert_true (ja_media_video_save_frame_png (f->b.video, png, &error));
  g_assert_no_error (error);

  decode_file (png, &d);
  g_assert_cmpuint (d.frames, ==, 1);
  g_assert_cmpuint (d.width, ==, 640);
  g_assert_cmpuint (d.height, ==, 480);
  assert_smpte_bars (&d);
  decoded_clear (&d);
  g_unlink (png);
}

/* data: the codec (NULL: VP8 into WebM; H264 goes into Matroska). */
static void
test_record (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { TRUE, FALSE, FALSE, FALSE, 0 };
  PeerSetup sb = { FALSE, TRUE, FALSE, TRUE, 0 };
  JaMediaVideoStats st;
  Decoded d;

  sa.codec = sb.codec = data;
  if (data != NULL) {
    g_free (f->b.record_path);
    f->b.record_path = g_build_filename (f->dir, "b.mkv", NULL);
  }
  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_until_first_frame (&f->b, 10000);
  run_for (1500);
  ja_media_video_get_stats (f->b.video, &st);
  g_clear_pointer (&f->b.video, ja_media_video_free); /* finishes the file */

  /* A player opens it: the frames B received, 640x480, the colour bars. */
  decode_file (f->b.record_path, &d);
  g_test_message ("recording: %u frames of %ux%u (B decoded %" G_GUINT64_FORMAT
                  ")",
                  d.frames, d.width, d.height, st.frames_decoded);
  g_assert_cmpuint (d.width, ==, 640);
  g_assert_cmpuint (d.height, ==, 480);
  g_assert_cmpuint (d.frames, >=, st.frames_decoded);
  g_assert_cmpuint (d.frames, >, 30);
  assert_smpte_bars (&d);
  decoded_clear (&d);
}

static void
check_loss (Fixture *f, gboolean rtx)
{
  PeerSetup sa = { TRUE, FALSE, rtx, FALSE, 0x1111 };
  PeerSetup sb = { FALSE, TRUE, rtx, FALSE, 0x2222 };
  JaMediaVideoStats st_a, st_b;

  f->a.drop_every = 20; /* 5% of A's RTP, retransmissions included */
  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_until_first_frame (&f->b, 10000);
  ja_media_video_get_stats (f->b.video, &st_b);
  run_for (3000);
  ja_media_video_get_stats (f->a.video, &st_a);
  ja_media_video_get_stats (f->b.video, &st_b);
  g_test_message ("dropped %u of %u; B: %" G_GUINT64_FORMAT " decoded "
                  "(%.1f fps), %" G_GINT64_FORMAT
                  " lost, NACKs %" G_GUINT64_FORMAT ", PLIs %" G_GUINT64_FORMAT
                  ", RTX %" G_GUINT64_FORMAT ", keyframes %" G_GUINT64_FORMAT
                  "; A: NACKs %" G_GUINT64_FORMAT ", PLIs %" G_GUINT64_FORMAT
                  ", RTX %" G_GUINT64_FORMAT ", keyframes %" G_GUINT64_FORMAT,
                  f->a.dropped, f->a.rtp_seen, st_b.frames_decoded,
                  st_b.decode_fps, st_b.packets_lost, st_b.nacks_sent,
                  st_b.plis_sent, st_b.rtx_received, st_b.keyframes_received,
                  st_a.nacks_received, st_a.plis_received, st_a.rtx_sent,
                  st_a.keyframes_sent);
  /* ~4 packets a frame, 30 frames a second, 3 s. */
  g_assert_cmpuint (f->a.dropped, >=, 12);
  g_assert_cmpuint (st_b.packets_received, ==, f->a.rtp_seen - f->a.dropped);
  /* The picture keeps moving. */
  g_assert_cmpfloat (st_b.decode_fps, >, 5);
  g_assert_cmpuint (st_b.width, ==, 640);
  if (rtx) {
    /* B asks, A resends, B gets most of it back. */
    g_assert_cmpuint (st_b.nacks_sent, >, 0);
    g_assert_cmpuint (st_a.nacks_received, >, 0);
    g_assert_cmpuint (st_a.nacks_received, <=, st_b.nacks_sent);
    g_assert_cmpuint (st_a.rtx_sent, >, 0);
    g_assert_cmpuint (st_b.rtx_received, >, 0);
    g_assert_cmpuint (st_b.rtx_received, <=, st_a.rtx_sent);
    g_assert_cmpint (st_b.packets_lost, <, f->a.dropped / 2);
    /* Repaired frames decode: nearly every frame A sent. */
    g_assert_cmpfloat (st_b.decode_fps, >, 20);
  } else {
    /* Without RTX a loss costs the frame and its successors: B asks for a
     * keyframe, A makes one. */
    g_assert_cmpuint (st_b.nacks_sent, ==, 0);
    g_assert_cmpuint (st_b.rtx_received, ==, 0);
    g_assert_cmpint (st_b.packets_lost, >, 0);
    g_assert_cmpuint (st_b.plis_sent, >, 0);
    g_assert_cmpuint (st_a.plis_received, >, 0);
    g_assert_cmpuint (st_a.plis_received, <=, st_b.plis_sent);
    g_assert_cmpuint (st_a.keyframes_sent, >, 1);
    g_assert_cmpuint (st_b.keyframes_received, >, 1);
  }
}

static void
test_loss_rtx (Fixture *f, gconstpointer data)
{
  check_loss (f, TRUE);
}

static void
test_loss_pli (Fixture *f, gconstpointer data)
{
  check_loss (f, FALSE);
}

static void
test_free_mid_stream (Fixture *f, gconstpointer data)
{
  /* Both directions with RTX and a recording; A frees itself from inside
   * its own send_rtp callback, mid-batch; B keeps running, then is freed
   * while its pipeline streams. */
  PeerSetup sa = { TRUE, TRUE, TRUE, TRUE, 0 };
  PeerSetup sb = { TRUE, TRUE, TRUE, TRUE, 0 };
  gpointer pipeline_a, pipeline_b;
  JaMediaVideoStats st;
  guint rtp_seen, rtcp_seen;

  f->a.free_after = 150;
  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  pipeline_a = ja_media_video_peek_pipeline (f->a.video);
  pipeline_b = ja_media_video_peek_pipeline (f->b.video);
  g_assert_true (GST_IS_PIPELINE (pipeline_a));
  g_assert_true (GST_IS_PIPELINE (pipeline_b));
  g_object_add_weak_pointer (pipeline_a, &pipeline_a);
  g_object_add_weak_pointer (pipeline_b, &pipeline_b);
  start_both (f);
  run_until_first_frame (&f->b, 10000);
  run_for (1500);
  g_assert_true (f->a.freed_in_callback);
  g_assert_null (f->a.video);
  /* The pipeline (and with it every element) is gone, not just stopped. */
  g_assert_null (pipeline_a);
  g_assert_nonnull (pipeline_b);
  ja_media_video_get_stats (f->b.video, &st);
  g_assert_cmpuint (f->a.rtp_seen, ==, 150);
  g_assert_cmpuint (st.packets_received, ==, f->a.rtp_seen);
  g_assert_cmpuint (st.frames_decoded, >, 0);
  g_clear_pointer (&f->b.video, ja_media_video_free);
  g_assert_null (pipeline_b);
  /* Nothing fires after free. */
  rtp_seen = f->b.rtp_seen;
  rtcp_seen = f->b.rtcp_seen;
  run_for (200);
  g_assert_cmpuint (f->b.rtp_seen, ==, rtp_seen);
  g_assert_cmpuint (f->b.rtcp_seen, ==, rtcp_seen);
}

static void
test_file_source (Fixture *f, gconstpointer data)
{
  /* A 1.5 s WebM of the colour bars at 320x240@15 (what a user might
   * play into a call) as A's source: scaled to 640x480@30, paced in real
   * time, then source_eos. */
  g_autofree char *path = g_build_filename (f->dir, "in.webm", NULL);
  g_autofree char *spec = g_strconcat ("file:", path, NULL);
  g_autofree char *desc = g_strdup_printf (
      "videotestsrc num-buffers=23 pattern=smpte ! "
      "video/x-raw,width=320,height=240,framerate=15/1 ! vp8enc ! webmmux ! "
      "filesink location=\"%s\"",
      path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) writer = gst_parse_launch (desc, &error);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  PeerSetup sa = { TRUE, FALSE, FALSE, FALSE, 0, spec, 0, 0, 0 };
  PeerSetup sb = { FALSE, TRUE, FALSE, FALSE, 0, NULL, 0, 0, 0 };
  JaMediaVideoStats st;
  gint64 t0;

  g_assert_no_error (error);
  bus = gst_element_get_bus (writer);
  gst_element_set_state (writer, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
                                    GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (writer, GST_STATE_NULL);

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  t0 = g_get_monotonic_time ();
  start_both (f);
  while (f->a.source_eos == 0 && g_get_monotonic_time () - t0 < 10000000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->a.source_eos, ==, 1);
  /* Real time, not as fast as the file decodes. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >, 1300000);
  run_for (300); /* the jitter buffer's tail */
  ja_media_video_get_stats (f->b.video, &st);
  g_test_message ("file source: B decoded %" G_GUINT64_FORMAT " frames",
                  st.frames_decoded);
  g_assert_cmpuint (f->b.first_width, ==, 640);
  g_assert_cmpuint (f->b.first_height, ==, 480);
  /* 1.5 s at 30 fps after videorate doubled the 15 fps of the file. */
  g_assert_cmpuint (st.frames_decoded, >=, 30);
  g_assert_cmpuint (st.frames_decoded, <=, 50);
  g_unlink (path);
}

static void
test_size_and_rate (Fixture *f, gconstpointer data)
{
  /* A source at 1280x720@60 (a pipeline: source), A configured for
   * 320x240@15: B sees what A was told to send. */
  PeerSetup sa = { TRUE,
                   FALSE,
                   FALSE,
                   FALSE,
                   0,
                   "pipeline:videotestsrc is-live=true pattern=smpte ! "
                   "capsfilter caps=\"video/x-raw,width=1280,height=720,"
                   "framerate=60/1\"",
                   320,
                   240,
                   15 };
  PeerSetup sb = { FALSE, TRUE, FALSE, FALSE, 0, NULL, 0, 0, 0 };
  g_autofree char *png = g_build_filename (f->dir, "small.png", NULL);
  g_autoptr (GError) error = NULL;
  JaMediaVideoStats st_a, st_b;
  Decoded d;

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_until_first_frame (&f->b, 10000);
  g_assert_cmpuint (f->b.first_width, ==, 320);
  g_assert_cmpuint (f->b.first_height, ==, 240);
  run_for (500);
  ja_media_video_get_stats (f->a.video, &st_a);
  ja_media_video_get_stats (f->b.video, &st_b);
  run_for (2000);
  ja_media_video_get_stats (f->a.video, &st_a);
  ja_media_video_get_stats (f->b.video, &st_b);
  g_test_message ("B: %ux%u at %.1f fps", st_b.width, st_b.height,
                  st_b.decode_fps);
  g_assert_cmpuint (st_b.width, ==, 320);
  g_assert_cmpuint (st_b.height, ==, 240);
  g_assert_cmpfloat (st_b.decode_fps, >, 10);
  g_assert_cmpfloat (st_b.decode_fps, <, 20);
  /* Scaled, not cropped: the seven bars are all there. */
  g_assert_true (ja_media_video_save_frame_png (f->b.video, png, &error));
  g_assert_no_error (error);
  decode_file (png, &d);
  g_assert_cmpuint (d.width, ==, 320);
  assert_smpte_bars (&d);
  decoded_clear (&d);
  g_unlink (png);
}

static void
test_bad_config (void)
{
  JaMediaVideoConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;

  cfg.send = TRUE;
  cfg.send_codec = "H263";
  cfg.send_pt = VP8_PT;
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_clear_error (&error);
  /* H.264 does not go into WebM: a clear error, before anything runs. */
  cfg.send_codec = "H264";
  cfg.recv_codecs[VP8_PT] = "H264";
  cfg.receive = TRUE;
  cfg.record_path = "out.webm";
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_assert_nonnull (strstr (error->message, ".mkv"));
  g_clear_error (&error);
  cfg.record_path = NULL;
  cfg.receive = FALSE;
  cfg.recv_codecs[VP8_PT] = NULL;
  cfg.send_codec = "H263";
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_clear_error (&error);
  /* RFC 5761 §4: 72 would be read as RTCP. */
  cfg.send_codec = "VP8";
  cfg.send_pt = 72;
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_clear_error (&error);
  cfg.send_pt = VP8_PT;
  cfg.send_rtx_pt = VP8_PT;
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_clear_error (&error);
  cfg.send_rtx_pt = 0;
  cfg.source = "camera";
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE);
  g_clear_error (&error);
  cfg.source = "pipeline:nosuchelement ! fakesink";
  g_assert_null (ja_media_video_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  main_thread = g_thread_self ();
#define ADD(path, fn)                                                          \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/media/video/decode", test_decode);
  ADD ("/media/video/snapshot", test_snapshot);
  ADD ("/media/video/record", test_record);
  ADD ("/media/video/loss-rtx", test_loss_rtx);
  ADD ("/media/video/loss-pli", test_loss_pli);
  ADD ("/media/video/free-mid-stream", test_free_mid_stream);
  ADD ("/media/video/file-source", test_file_source);
  ADD ("/media/video/size-and-rate", test_size_and_rate);
  g_test_add ("/media/video/h264/decode", Fixture, "H264", fixture_set_up,
              test_decode, fixture_tear_down);
  g_test_add ("/media/video/h264/record", Fixture, "H264", fixture_set_up,
              test_record, fixture_tear_down);
#undef ADD
  g_test_add_func ("/media/video/bad-config", test_bad_config);
  return g_test_run ();
}
