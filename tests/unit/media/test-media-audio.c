/* test-media-audio.c — two JaMediaAudio engines in one process, wired back
 * to back: A's send_rtp feeds B's receive (plaintext RTP + muxed RTCP, no
 * network). Every test runs with GStreamer on both sides (/media/audio/),
 * most with the native engine on both (/media/audio/native/), and the
 * wire-compatibility ones with one of each (/media/audio/native-to-gst/,
 * /media/audio/gst-to-native/: A sends, B receives). What arrives is recorded to WAV and checked with the tone
 * analyser of tests/support: the frequency a user would hear, DTMF digits in
 * order, loss statistics, and a clean teardown mid-stream. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "media/media-audio.h"
#include "media/audio-native.h"
#include "media/media-error.h"
#include "media/rtp-packet.h"
#include "tests/support/ja-test-tone.h"

#define CALL_MS 2000

typedef struct _Peer Peer;

struct _Peer {
  const char *name;
  int engine; /* JaMediaAudioEngine */
  JaMediaAudio *audio;
  Peer *remote;
  char *record_path;
  guint drop_every; /* drop every Nth RTP packet towards remote */
  guint rtp_seen, rtcp_seen, dropped;
  guint64 rtp_bytes_seen;
  guint8 first_rtcp_pt; /* of the first compound packet's first part */
  gboolean first_media;
  GString *digits;
  GArray *durations; /* guint ms per digit */
  guint8 dtmf_pt;    /* what we send as telephone-event */
  guint dtmf_rate;
  GArray *sent_durations; /* guint ms per event we put on the wire */
  guint32 sent_event_ts;
  guint errors;
  guint source_eos;
  guint free_after; /* free self from send_rtp after N packets */
  gboolean with_hdrext; /* negotiate MID (id 1) and audio level (id 2) */
  guint restart_after;  /* RTP sequence moved 5000 back after N packets */
  guint hdrext_seen;    /* RTP packets that carried both */
  guint8 last_level;
  gboolean freed_in_callback;
};

/* Every callback must run on the creator's (here: the main) thread. */
static GThread *main_thread;

typedef struct {
  char *dir;
  Peer a, b;
} Fixture;

/* The engines of A and B (the test data). */
typedef struct {
  int a, b;
} Engines;

static const Engines gst_gst = { JA_MEDIA_AUDIO_ENGINE_GSTREAMER,
                                 JA_MEDIA_AUDIO_ENGINE_GSTREAMER };
static const Engines native_native = { JA_MEDIA_AUDIO_ENGINE_NATIVE,
                                       JA_MEDIA_AUDIO_ENGINE_NATIVE };
static const Engines native_gst = { JA_MEDIA_AUDIO_ENGINE_NATIVE,
                                    JA_MEDIA_AUDIO_ENGINE_GSTREAMER };
static const Engines gst_native = { JA_MEDIA_AUDIO_ENGINE_GSTREAMER,
                                    JA_MEDIA_AUDIO_ENGINE_NATIVE };

static void
send_rtp_cb (JaMediaAudio *audio, const guint8 *data, gsize len,
             gpointer user_data)
{
  Peer *p = user_data;
  gboolean rtcp = len >= 2 && (data[1] & 0x7f) >= 64 && (data[1] & 0x7f) <= 95;

  g_assert_true (g_thread_self () == main_thread);
  if (rtcp) {
    if (p->rtcp_seen == 0)
      p->first_rtcp_pt = data[1];
    p->rtcp_seen++;
  } else {
    const guint8 *mid, *level;
    gsize mid_len, level_len;

    p->rtp_seen++;
    p->rtp_bytes_seen += len;
    if (ja_rtp_hdrext_find (data, len, 1, &mid, &mid_len)
        && ja_rtp_hdrext_find (data, len, 2, &level, &level_len)
        && mid_len == 5 && memcmp (mid, "audio", 5) == 0 && level_len == 1) {
      p->hdrext_seen++;
      p->last_level = level[0];
    }
    if (p->drop_every != 0 && p->rtp_seen % p->drop_every == 0) {
      p->dropped++;
      return;
    }
  }
  if (!rtcp && p->dtmf_pt != 0 && (data[1] & 0x7f) == p->dtmf_pt && len >= 16) {
    /* RFC 4733: one timestamp per event, the duration grows (no CSRCs or
     * extensions from our sender). */
    guint32 ts
        = (guint32)data[4] << 24 | data[5] << 16 | data[6] << 8 | data[7];
    guint ms = (guint)(data[14] << 8 | data[15]) * 1000 / p->dtmf_rate;

    if (p->sent_durations->len == 0 || ts != p->sent_event_ts)
      g_array_append_val (p->sent_durations, ms);
    else
      g_array_index (p->sent_durations, guint, p->sent_durations->len - 1) = ms;
    p->sent_event_ts = ts;
  }
  if (!rtcp && p->restart_after != 0 && p->rtp_seen > p->restart_after) {
    g_autofree guint8 *copy = g_memdup2 (data, len);
    guint16 seq = (guint16)((copy[2] << 8 | copy[3]) - 5000);

    copy[2] = seq >> 8;
    copy[3] = seq & 0xff;
    if (p->remote->audio != NULL)
      ja_media_audio_receive (p->remote->audio, copy, len);
  } else if (p->remote->audio != NULL) {
    ja_media_audio_receive (p->remote->audio, data, len);
  }
  if (p->free_after != 0 && p->rtp_seen >= p->free_after && !rtcp) {
    ja_media_audio_free (p->audio);
    p->audio = NULL;
    p->freed_in_callback = TRUE;
    p->free_after = 0;
  }
}

static void
first_media_cb (JaMediaAudio *audio, gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  p->first_media = TRUE;
}

static void
dtmf_cb (JaMediaAudio *audio, char digit, guint duration_ms, gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_string_append_c (p->digits, digit);
  g_array_append_val (p->durations, duration_ms);
}

static void
error_cb (JaMediaAudio *audio, const GError *error, gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_test_message ("%s: media error: %s", p->name, error->message);
  p->errors++;
}

static void
source_eos_cb (JaMediaAudio *audio, gpointer user_data)
{
  Peer *p = user_data;

  g_assert_true (g_thread_self () == main_thread);
  p->source_eos++;
}

static const JaMediaAudioCallbacks callbacks = {
  .send_rtp = send_rtp_cb,
  .first_media = first_media_cb,
  .dtmf = dtmf_cb,
  .error = error_cb,
  .source_eos = source_eos_cb,
};

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const Engines *e = data;

  f->dir = g_dir_make_tmp ("ja-media-audio-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->a.engine = e->a;
  f->b.engine = e->b;
  f->a.name = "A";
  f->b.name = "B";
  f->a.remote = &f->b;
  f->b.remote = &f->a;
  f->a.record_path = g_build_filename (f->dir, "a.wav", NULL);
  f->b.record_path = g_build_filename (f->dir, "b.wav", NULL);
  f->a.digits = g_string_new (NULL);
  f->b.digits = g_string_new (NULL);
  f->a.durations = g_array_new (FALSE, FALSE, sizeof (guint));
  f->b.durations = g_array_new (FALSE, FALSE, sizeof (guint));
  f->a.sent_durations = g_array_new (FALSE, FALSE, sizeof (guint));
  f->b.sent_durations = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
peer_clear (Peer *p)
{
  g_clear_pointer (&p->audio, ja_media_audio_free);
  g_unlink (p->record_path);
  g_free (p->record_path);
  g_string_free (p->digits, TRUE);
  g_array_unref (p->durations);
  g_array_unref (p->sent_durations);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  /* Free both before clearing either: a callback may still refer to the
   * other peer. */
  g_clear_pointer (&f->a.audio, ja_media_audio_free);
  g_clear_pointer (&f->b.audio, ja_media_audio_free);
  g_assert_cmpuint (f->a.errors, ==, 0);
  g_assert_cmpuint (f->b.errors, ==, 0);
  peer_clear (&f->a);
  peer_clear (&f->b);
  g_rmdir (f->dir);
  g_free (f->dir);
}

typedef struct {
  const char *codec;
  guint8 pt;
  guint rate;
  const char *source;
  gboolean send, receive;
  guint8 dtmf_pt;
} PeerSetup;

static void
peer_create (Peer *p, const PeerSetup *s)
{
  JaMediaAudioConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;

  cfg.source = s->source;
  cfg.sink = "none";
  cfg.record_path = s->receive ? p->record_path : NULL;
  cfg.send_codec = s->codec;
  cfg.send_pt = s->pt;
  cfg.send_clock_rate = s->rate;
  cfg.send_channels = g_str_equal (s->codec, "opus") ? 2 : 1;
  cfg.recv_codecs[s->pt] = s->codec;
  cfg.recv_clock_rates[s->pt] = s->rate;
  cfg.dtmf_pt = s->dtmf_pt;
  cfg.dtmf_clock_rate = s->rate;
  p->dtmf_pt = s->dtmf_pt;
  p->dtmf_rate = s->rate;
  cfg.send = s->send;
  cfg.receive = s->receive;
  cfg.engine = p->engine;
  if (p->with_hdrext) {
    cfg.hdrext_mid_id = 1;
    cfg.mid = "audio";
    cfg.hdrext_audio_level_id = 2;
  }
  p->audio = ja_media_audio_new (&cfg, &callbacks, p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p->audio);
  g_assert_cmpint (ja_media_audio_is_native (p->audio), ==,
                   p->engine == JA_MEDIA_AUDIO_ENGINE_NATIVE);
}

static void
start_both (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_media_audio_start (f->b.audio, &error));
  g_assert_no_error (error);
  g_assert_true (ja_media_audio_start (f->a.audio, &error));
  g_assert_no_error (error);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context for ms milliseconds (the engines run in
 * real time, so a call of N seconds takes N seconds). */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
run_until_digits (Peer *p, guint n, guint timeout_ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &done);

  while (!done && p->digits->len < n)
    g_main_context_iteration (NULL, TRUE);
  if (!done)
    g_source_remove (id);
}

static void
assert_recording (Peer *p, double freq, double min_share)
{
  g_autoptr (GError) error = NULL;
  JaTestTone tone;

  g_assert_true (ja_test_tone_analyse_wav (p->record_path, &tone, &error));
  g_assert_no_error (error);
  g_test_message ("%s recorded %.1f Hz, share %.3f, %.2f s, rms %.3f", p->name,
                  tone.peak_hz, tone.peak_share, tone.duration_s, tone.rms);
  g_assert_cmpfloat_with_epsilon (tone.peak_hz, freq, 5.0);
  g_assert_cmpfloat (tone.peak_share, >, min_share);
  /* ~CALL_MS minus start-up and the jitter buffer's latency. */
  g_assert_cmpfloat (tone.duration_s, >, CALL_MS / 1000.0 - 0.6);
  g_assert_cmpfloat (tone.duration_s, <, CALL_MS / 1000.0 + 0.5);
}

static void
check_one_way (Fixture *f, const char *codec, guint8 pt, guint rate,
               const char *source, double freq)
{
  PeerSetup sa = { codec, pt, rate, source, TRUE, FALSE, 0 };
  PeerSetup sb = { codec, pt, rate, "silence", FALSE, TRUE, 0 };
  JaMediaAudioStats st_a, st_b;

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  ja_media_audio_get_stats (f->b.audio, &st_b);
  run_for (CALL_MS);

  ja_media_audio_get_stats (f->a.audio, &st_a);
  ja_media_audio_get_stats (f->b.audio, &st_b);
  /* 20 ms packets: ~50 a second. */
  g_assert_cmpuint (st_a.packets_sent, >=, CALL_MS / 20 * 8 / 10);
  g_assert_cmpuint (st_a.packets_sent, <=, CALL_MS / 20 + 10);
  /* B got exactly what reached send_rtp. A counts a packet when it makes
   * it (its media thread, or a GStreamer streaming thread); it reaches
   * send_rtp through this context a moment later: one tick's packets may
   * be on the way (seen 101 against 100 under ASan load). */
  g_assert_cmpuint (st_b.packets_received, ==, f->a.rtp_seen);
  g_assert_cmpuint (st_b.bytes_received, ==, f->a.rtp_bytes_seen);
  g_assert_cmpuint (st_a.packets_sent, >=, f->a.rtp_seen);
  g_assert_cmpuint (st_a.packets_sent, <=, f->a.rtp_seen + 2);
  g_assert_cmpuint (st_a.bytes_sent, >=, f->a.rtp_bytes_seen);
  g_assert_cmpuint (st_a.bytes_sent, >, st_a.packets_sent * 12);
  g_assert_cmpint (st_b.packets_lost, ==, 0);
  g_assert_cmpfloat (st_b.recv_kbps, >, 8);
  g_assert_true (f->b.first_media);
  /* B sends no RTP towards A. */
  g_assert_cmpuint (f->b.rtp_seen, ==, 0);
  g_test_message ("RTCP packets: A sent %u, B sent %u", f->a.rtcp_seen,
                  f->b.rtcp_seen);

  g_clear_pointer (&f->b.audio, ja_media_audio_free); /* finishes the WAV */
  assert_recording (&f->b, freq, 0.7);
}

static void
test_opus_440 (Fixture *f, gconstpointer data)
{
  check_one_way (f, "opus", 111, 48000, "test:440", 440);
}

static void
test_opus_880 (Fixture *f, gconstpointer data)
{
  check_one_way (f, "opus", 111, 48000, "test:880", 880);
}

static void
test_pcmu_880 (Fixture *f, gconstpointer data)
{
  check_one_way (f, "PCMU", 0, 8000, "test:880", 880);
}

/* XEP-0294 / RFC 8285: every packet carries the MID and the RFC 6464
 * level of its frame (a 0.8 sine: -5 dBov, voice), and the receiver —
 * either engine — plays them as usual. */
static void
test_hdrext (Fixture *f, gconstpointer data)
{
  f->a.with_hdrext = TRUE;
  check_one_way (f, "opus", 111, 48000, "test:440", 440);
  g_assert_cmpuint (f->a.hdrext_seen, ==, f->a.rtp_seen);
  g_assert_cmpuint (f->a.last_level, ==, 0x80 | 5);
}

/* A sender whose sequence jumps far back (a restart, RFC 3550 A.3) is
 * followed, not dropped as "late" from then on. */
static void
test_sequence_restart (Fixture *f, gconstpointer data)
{
  f->a.restart_after = 30;
  check_one_way (f, "PCMU", 0, 8000, "test:880", 880);
}

static void
test_pcmu_1000 (Fixture *f, gconstpointer data)
{
  check_one_way (f, "PCMU", 0, 8000, "test:1000", 1000);
}

static void
test_pcma_default_source (Fixture *f, gconstpointer data)
{
  /* NULL source = test = 440 Hz. */
  check_one_way (f, "PCMA", 8, 8000, NULL, 440);
}

static void
test_both_directions (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { "opus", 111, 48000, "test:440", TRUE, TRUE, 0 };
  PeerSetup sb = { "opus", 111, 48000, "test:1000", TRUE, TRUE, 0 };

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_for (CALL_MS);
  g_assert_true (f->a.first_media);
  g_assert_true (f->b.first_media);
  g_clear_pointer (&f->a.audio, ja_media_audio_free);
  g_clear_pointer (&f->b.audio, ja_media_audio_free);
  assert_recording (&f->a, 1000, 0.7);
  assert_recording (&f->b, 440, 0.7);
}

static void
test_dtmf (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { "opus", 111, 48000, "test:440", TRUE, FALSE, 101 };
  PeerSetup sb = { "opus", 111, 48000, "silence", FALSE, TRUE, 101 };
  g_autoptr (GError) error = NULL;
  JaMediaAudioStats st_a, st_b;

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_for (300);
  g_assert_true (ja_media_audio_send_dtmf (f->a.audio, "159#", &error));
  g_assert_no_error (error);
  /* Four digits of ~100 ms with gaps: well under two seconds. */
  run_until_digits (&f->b, 4, 3000);
  g_assert_cmpstr (f->b.digits->str, ==, "159#");
  /* B reports the durations A put on the wire. We ask for 100 ms tones;
   * rtpdtmfsrc stretches every event to at least 250 ms (the native engine
   * sends 100 ms). */
  g_assert_cmpuint (f->a.sent_durations->len, ==, 4);
  for (guint i = 0; i < f->b.durations->len; i++) {
    guint ms = g_array_index (f->b.durations, guint, i);

    g_test_message ("digit %c lasted %u ms", f->b.digits->str[i], ms);
    g_assert_cmpuint (ms, ==, g_array_index (f->a.sent_durations, guint, i));
    g_assert_cmpuint (ms, >=, 100);
    g_assert_cmpuint (ms, <=, 400);
  }
  ja_media_audio_get_stats (f->a.audio, &st_a);
  ja_media_audio_get_stats (f->b.audio, &st_b);
  g_assert_cmpuint (st_a.dtmf_sent, ==, 4);
  g_assert_cmpuint (st_b.dtmf_received, ==, 4);
  /* Audio resumes after the events, in the same sequence space. */
  run_for (300);
  ja_media_audio_get_stats (f->b.audio, &st_b);
  g_assert_cmpint (st_b.packets_lost, ==, 0);
  g_assert_true (f->b.first_media);

  /* Not a digit / no telephone-event negotiated: errors, nothing sent. */
  g_assert_false (ja_media_audio_send_dtmf (f->a.audio, "12x", &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (ja_media_audio_send_dtmf (f->b.audio, "1", &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  ja_media_audio_get_stats (f->a.audio, &st_a);
  g_assert_cmpuint (st_a.dtmf_sent, ==, 4);
}

static void
test_loss (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { "opus", 111, 48000, "test:440", TRUE, FALSE, 0 };
  PeerSetup sb = { "opus", 111, 48000, "silence", FALSE, TRUE, 0 };
  JaMediaAudioStats st;

  f->a.drop_every = 10;
  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  run_for (CALL_MS);
  ja_media_audio_get_stats (f->b.audio, &st);
  g_test_message ("dropped %u, B counts %" G_GINT64_FORMAT
                  " lost of %" G_GUINT64_FORMAT " received",
                  f->a.dropped, st.packets_lost, st.packets_received);
  g_assert_cmpuint (f->a.dropped, >=, 7);
  g_assert_cmpint (st.packets_lost, >, 0);
  /* The last drop may still be inside the jitter window; on a loaded
   * machine a packet delivered after the latency can count as well. */
  g_assert_cmpint (st.packets_lost, >=, f->a.dropped - 1);
  g_assert_cmpint (st.packets_lost, <=, f->a.dropped + 2);
  g_assert_cmpuint (st.packets_received, ==, f->a.rtp_seen - f->a.dropped);
  g_clear_pointer (&f->b.audio, ja_media_audio_free);
  /* Concealment fills the gaps: the tone is still what one hears. */
  assert_recording (&f->b, 440, 0.6);
}

static void
test_mute (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { "PCMU", 0, 8000, "test:440", TRUE, FALSE, 0 };
  PeerSetup sb = { "PCMU", 0, 8000, "silence", FALSE, TRUE, 0 };
  JaMediaAudioStats st;
  g_autoptr (GError) error = NULL;
  JaTestTone tone;
  guint64 before;

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  ja_media_audio_set_muted (f->a.audio, TRUE);
  start_both (f);
  run_for (1000);
  ja_media_audio_get_stats (f->a.audio, &st);
  before = st.packets_sent;
  /* Muted still sends (silence), so RTP keeps flowing. */
  g_assert_cmpuint (before, >, 30);
  g_clear_pointer (&f->b.audio, ja_media_audio_free);
  g_assert_true (ja_test_tone_analyse_wav (f->b.record_path, &tone, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (tone.duration_s, >, 0.5);
  g_assert_cmpfloat (tone.rms, <, 0.001);
}

static void
test_free_mid_stream (Fixture *f, gconstpointer data)
{
  PeerSetup sa = { "opus", 111, 48000, "test:440", TRUE, TRUE, 101 };
  PeerSetup sb = { "opus", 111, 48000, "test:1000", TRUE, TRUE, 101 };
  g_autoptr (GError) error = NULL;

  /* A frees itself from inside its own send_rtp callback, mid-batch, while
   * a DTMF sequence is still queued; B keeps running, then is freed while
   * its pipeline streams. */
  gpointer pipeline_a, pipeline_b;
  JaMediaAudioStats st;
  guint rtp_seen, rtcp_seen;

  f->a.free_after = 20;
  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  pipeline_a = ja_media_audio_peek_pipeline (f->a.audio);
  pipeline_b = ja_media_audio_peek_pipeline (f->b.audio);
  if (f->a.engine == JA_MEDIA_AUDIO_ENGINE_NATIVE) {
    /* No pipeline: the weak-pointer checks below hold trivially. */
    g_assert_null (pipeline_a);
    g_assert_null (pipeline_b);
  } else {
    g_assert_true (GST_IS_PIPELINE (pipeline_a));
    g_assert_true (GST_IS_PIPELINE (pipeline_b));
    g_object_add_weak_pointer (pipeline_a, &pipeline_a);
    g_object_add_weak_pointer (pipeline_b, &pipeline_b);
  }
  start_both (f);
  g_assert_true (ja_media_audio_send_dtmf (f->a.audio, "123456789", &error));
  run_for (1500);
  g_assert_true (f->a.freed_in_callback);
  g_assert_null (f->a.audio);
  /* The pipeline (and with it every element) is gone, not just stopped. */
  g_assert_null (pipeline_a);
  g_assert_true (pipeline_b != NULL
                 || f->b.engine == JA_MEDIA_AUDIO_ENGINE_NATIVE);
  ja_media_audio_get_stats (f->b.audio, &st);
  g_assert_cmpuint (st.packets_received, ==, f->a.rtp_seen);
  g_assert_cmpuint (f->a.rtp_seen, ==, 20);
  g_clear_pointer (&f->b.audio, ja_media_audio_free);
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
  /* A 1.5 s WAV file at 660 Hz (a rate the encoder must resample) as A's
   * source: paced in real time, then source_eos. */
  g_autofree char *path = g_build_filename (f->dir, "in.wav", NULL);
  g_autofree char *spec = g_strconcat ("file:", path, NULL);
  PeerSetup sa = { "opus", 111, 48000, spec, TRUE, FALSE, 0 };
  PeerSetup sb = { "opus", 111, 48000, "silence", FALSE, TRUE, 0 };
  double freq = 660, amp = 0.5;
  gsize n = 44100 * 3 / 2;
  g_autofree gint16 *samples = g_new (gint16, n);
  g_autoptr (GError) error = NULL;
  JaTestTone tone;
  gint64 t0;

  for (gsize i = 0; i < n; i++)
    samples[i] = (gint16)(amp * 32767 * sin (2 * G_PI * freq * i / 44100));
  g_assert_true (ja_test_tone_write_wav (path, samples, n, 1, 44100, &error));
  g_assert_no_error (error);

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  t0 = g_get_monotonic_time ();
  start_both (f);
  while (f->a.source_eos == 0 && g_get_monotonic_time () - t0 < 5000000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->a.source_eos, ==, 1);
  /* Real time, not as fast as the file decodes. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >, 1300000);
  run_for (200); /* the jitter buffer's tail */
  g_clear_pointer (&f->b.audio, ja_media_audio_free);
  g_assert_true (ja_test_tone_analyse_wav (f->b.record_path, &tone, &error));
  g_assert_no_error (error);
  g_test_message ("B recorded %.1f Hz, share %.3f, %.2f s", tone.peak_hz,
                  tone.peak_share, tone.duration_s);
  g_assert_cmpfloat_with_epsilon (tone.peak_hz, freq, 5.0);
  g_assert_cmpfloat (tone.peak_share, >, 0.7);
  g_assert_cmpfloat_with_epsilon (tone.duration_s, 1.5, 0.3);
  g_unlink (path);
}

static gboolean
both_sent_rtcp (gpointer data)
{
  Fixture *f = data;

  return f->a.rtcp_seen > 0 && f->b.rtcp_seen > 0;
}

static void
test_rtcp (Fixture *f, gconstpointer data)
{
  /* rtcp-mux: RTCP leaves through send_rtp like RTP. RFC 3550 §6.2: the
   * first report goes out within 0.5-1.5 x 2.5 s / (e - 1.5) of the start. */
  PeerSetup sa = { "opus", 111, 48000, "test:440", TRUE, FALSE, 0 };
  PeerSetup sb = { "opus", 111, 48000, "silence", FALSE, TRUE, 0 };
  gboolean timed_out = FALSE;
  guint id;

  peer_create (&f->a, &sa);
  peer_create (&f->b, &sb);
  start_both (f);
  id = g_timeout_add (8000, timeout_cb, &timed_out);
  while (!both_sent_rtcp (f) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpuint (f->a.rtcp_seen, >, 0);
  g_assert_cmpuint (f->b.rtcp_seen, >, 0);
  /* The sender reports with an SR, the receive-only party with an RR. */
  g_assert_cmpuint (f->a.first_rtcp_pt, ==, 200);
  g_assert_cmpuint (f->b.first_rtcp_pt, ==, 201);
}

static void
test_bad_config (void)
{
  JaMediaAudioConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;

  cfg.send = TRUE;
  cfg.engine = JA_MEDIA_AUDIO_ENGINE_GSTREAMER;
  cfg.send_codec = "G729";
  g_assert_null (ja_media_audio_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_clear_error (&error);
  cfg.send_codec = "opus";
  cfg.send_pt = 111;
  cfg.source = "test:loud";
  g_assert_null (ja_media_audio_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE);
  g_clear_error (&error);
  cfg.source = "pipeline:nosuchelement ! fakesink";
  g_assert_null (ja_media_audio_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE);
}

static void
test_native_bad_config (void)
{
  JaMediaAudioConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;
  const char *gst_only_sources[] = { "device", "device:x", "pipeline:fakesrc",
                                     "test:loud", "file:/nonexistent.wav" };

  cfg.send = TRUE;
  cfg.receive = TRUE;
  cfg.engine = JA_MEDIA_AUDIO_ENGINE_NATIVE;
  cfg.send_codec = "G729";
  g_assert_null (ja_media_audio_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC);
  g_clear_error (&error);
  cfg.send_codec = "opus";
  cfg.send_pt = 111;
  for (guint i = 0; i < G_N_ELEMENTS (gst_only_sources); i++) {
    cfg.source = gst_only_sources[i];
    g_assert_null (ja_media_audio_new (&cfg, &callbacks, NULL, &error));
    g_test_message ("%s: %s", cfg.source, error->message);
    g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE);
    g_clear_error (&error);
  }
  cfg.source = "test";
  cfg.sink = "device";
  g_assert_null (ja_media_audio_new (&cfg, &callbacks, NULL, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE);
  g_clear_error (&error);
}

/* The peer's RFC 6464 audio level as the native engine reads it: an
 * element of the negotiated id in either form (RFC 8285). The two-byte
 * form may carry an empty element: that says no level, and the byte after
 * it (the payload, or nothing at all) is not one (fuzz-audio-native found
 * the engine reading it). */
static void
test_native_peer_level (void)
{
  JaMediaAudioConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;
  JaAudioNative *audio;
  guint8 buf[64];
  g_autofree guint8 *exact = NULL;

  cfg.source = "silence";
  cfg.sink = "none";
  cfg.send_codec = "PCMU";
  cfg.recv_codecs[0] = "PCMU";
  cfg.hdrext_audio_level_id = 2;
  cfg.receive = TRUE;
  audio = ja_audio_native_new (&cfg, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ja_audio_native_peek_peer_level (audio), ==, -1);

  /* Two-byte form, one word: padding, padding, id 2 with length 0; then
   * 160 bytes of PCMU whose first byte would read as a level. */
  ja_rtp_header_write (buf, FALSE, 0, 1, 160, 0xabcdef01, TRUE);
  memcpy (buf + 12, "\x10\x00\x00\x01" "\x00\x00\x02\x00", 8);
  memset (buf + 20, 0x55, sizeof buf - 20);
  ja_audio_native_receive (audio, buf, sizeof buf);
  g_assert_cmpint (ja_audio_native_peek_peer_level (audio), ==, -1);
  /* The same with nothing after the extension block, in a buffer of exactly
   * that size (under ASan a read past it aborts). */
  exact = g_memdup2 (buf, 20);
  ja_audio_native_receive (audio, exact, 20);
  g_assert_cmpint (ja_audio_native_peek_peer_level (audio), ==, -1);

  /* Two-byte form, id 2, one byte: level 42 with the voice bit. */
  ja_rtp_header_write (buf, FALSE, 0, 2, 320, 0xabcdef01, TRUE);
  memcpy (buf + 12, "\x10\x00\x00\x01" "\x02\x01\xaa\x00", 8);
  ja_audio_native_receive (audio, buf, sizeof buf);
  g_assert_cmpint (ja_audio_native_peek_peer_level (audio), ==, 0xaa);
  /* One-byte form, what our own sender writes: level 30, no voice. */
  ja_rtp_header_write (buf, FALSE, 0, 3, 480, 0xabcdef01, TRUE);
  g_assert_cmpuint (ja_rtp_hdrext_write (buf + 12, sizeof buf - 12, 0, NULL,
                                         2, 30), ==, 8);
  memset (buf + 20, 0x55, sizeof buf - 20);
  ja_audio_native_receive (audio, buf, sizeof buf);
  g_assert_cmpint (ja_audio_native_peek_peer_level (audio), ==, 30);
  ja_audio_native_free (audio);
}

/* AUTO: native for what it can carry, GStreamer for the rest. */
static void
test_auto_engine (void)
{
  JaMediaAudioConfig cfg = { 0 };
  g_autoptr (GError) error = NULL;
  JaMediaAudio *audio;

  cfg.send = TRUE;
  cfg.send_codec = "PCMU";
  cfg.source = "test:880";
  audio = ja_media_audio_new (&cfg, &callbacks, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ja_media_audio_is_native (audio));
  ja_media_audio_free (audio);
  cfg.source = "pipeline:audiotestsrc is-live=true";
  audio = ja_media_audio_new (&cfg, &callbacks, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ja_media_audio_is_native (audio));
  g_assert_nonnull (ja_media_audio_peek_pipeline (audio));
  ja_media_audio_free (audio);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();
#define ADD_E(path, fn, engines)                                               \
  g_test_add (path, Fixture, &engines, fixture_set_up, fn, fixture_tear_down)
#define ADD(path, fn) ADD_E (path, fn, gst_gst)
  ADD ("/media/audio/opus-440", test_opus_440);
  ADD ("/media/audio/pcmu-1000", test_pcmu_1000);
  ADD ("/media/audio/pcma-default-source", test_pcma_default_source);
  ADD ("/media/audio/both-directions", test_both_directions);
  ADD ("/media/audio/dtmf", test_dtmf);
  ADD ("/media/audio/loss", test_loss);
  ADD ("/media/audio/mute", test_mute);
  ADD ("/media/audio/file-source", test_file_source);
  ADD ("/media/audio/rtcp", test_rtcp);
  ADD ("/media/audio/free-mid-stream", test_free_mid_stream);
  ADD_E ("/media/audio/native/opus-440", test_opus_440, native_native);
  ADD_E ("/media/audio/native/opus-880", test_opus_880, native_native);
  ADD_E ("/media/audio/native/pcmu-880", test_pcmu_880, native_native);
  ADD_E ("/media/audio/native/pcma-default-source", test_pcma_default_source,
         native_native);
  ADD_E ("/media/audio/native/both-directions", test_both_directions,
         native_native);
  ADD_E ("/media/audio/native/dtmf", test_dtmf, native_native);
  ADD_E ("/media/audio/native/loss", test_loss, native_native);
  ADD_E ("/media/audio/native/mute", test_mute, native_native);
  ADD_E ("/media/audio/native/file-source", test_file_source, native_native);
  ADD_E ("/media/audio/native/rtcp", test_rtcp, native_native);
  ADD_E ("/media/audio/native/free-mid-stream", test_free_mid_stream,
         native_native);
  ADD_E ("/media/audio/native/hdrext", test_hdrext, native_native);
  ADD_E ("/media/audio/native/sequence-restart", test_sequence_restart,
         native_native);
  ADD_E ("/media/audio/native-to-gst/opus-440", test_opus_440, native_gst);
  ADD_E ("/media/audio/native-to-gst/hdrext", test_hdrext, native_gst);
  ADD_E ("/media/audio/native-to-gst/pcmu-880", test_pcmu_880, native_gst);
  ADD_E ("/media/audio/native-to-gst/dtmf", test_dtmf, native_gst);
  ADD_E ("/media/audio/native-to-gst/loss", test_loss, native_gst);
  ADD_E ("/media/audio/native-to-gst/both-directions", test_both_directions,
         native_gst);
  ADD_E ("/media/audio/gst-to-native/opus-880", test_opus_880, gst_native);
  ADD_E ("/media/audio/gst-to-native/pcmu-880", test_pcmu_880, gst_native);
  ADD_E ("/media/audio/gst-to-native/dtmf", test_dtmf, gst_native);
  ADD_E ("/media/audio/gst-to-native/loss", test_loss, gst_native);
#undef ADD
#undef ADD_E
  g_test_add_func ("/media/audio/bad-config", test_bad_config);
  g_test_add_func ("/media/audio/native/bad-config", test_native_bad_config);
  g_test_add_func ("/media/audio/native/peer-level", test_native_peer_level);
  g_test_add_func ("/media/audio/auto-engine", test_auto_engine);
  return g_test_run ();
}
