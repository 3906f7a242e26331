/* test-ibb.c — XEP-0047 In-Band Bytestreams between two agents through the
 * real Prosody on loopback (started by .ci/test): alice opens a bytestream
 * to bob's full JID and writes 0 B, 1 B, 1 MiB and 8 MiB, bob reads them and
 * the SHA-256 matches; refused opens; each kind of corrupted block is
 * rejected and bob's read fails; a slow reader keeps alice's unacknowledged
 * bytes within window × block-size. With JA_IBB_MEASURE=1 the case
 * /ibb/measure prints MB/s for windows 1…16 and blocks 4…32 KiB. */
#include <string.h>

#include "plugins/ibb/ibb-codec.h"
#include "plugins/ibb/ibb-manager.h"
#include "signalling/xmpp/xmpp-stream.h"
#include "tests/support/ja-test-util.h"

typedef struct {
  JaXmppStream *alice;
  JaXmppStream *bob;
  JaIbbManager *alice_ibb;
  JaIbbManager *bob_ibb;
} Fixture;

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
close_stream (JaXmppStream *stream)
{
  gboolean done = FALSE;

  ja_xmpp_stream_close_async (stream, closed_cb, &done);
  g_assert_true (ja_test_wait_flag (&done, 5000));
  g_object_unref (stream);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->alice = ja_test_connect ("alice");
  f->bob = ja_test_connect ("bob");
  f->alice_ibb = ja_ibb_manager_new (f->alice);
  f->bob_ibb = ja_ibb_manager_new (f->bob);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->alice_ibb);
  g_clear_object (&f->bob_ibb);
  close_stream (f->alice);
  close_stream (f->bob);
}

/* ---- opening ------------------------------------------------------------ */

typedef struct {
  gboolean done;
  JaIbbSession *session;
  GError *error;
} Opened;

static void
opened_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Opened *o = user_data;

  o->session = ja_ibb_manager_open_finish (JA_IBB_MANAGER (source), res,
      &o->error);
  o->done = TRUE;
}

static void
accepted_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Opened *o = user_data;

  o->session = ja_ibb_manager_accept_finish (JA_IBB_MANAGER (source), res,
      &o->error);
  o->done = TRUE;
}

static void
open_pair (Fixture *f, const char *sid, guint16 block_size, guint window,
    JaIbbSession **a, JaIbbSession **b)
{
  Opened ao = { 0 }, bo = { 0 };

  ja_ibb_manager_set_window (f->alice_ibb, window);
  ja_ibb_manager_accept_async (f->bob_ibb,
      ja_xmpp_stream_get_bound_jid (f->alice), sid, JA_IBB_MAX_BLOCK_SIZE,
      NULL, accepted_cb, &bo);
  ja_ibb_manager_open_async (f->alice_ibb,
      ja_xmpp_stream_get_bound_jid (f->bob), sid, block_size, NULL,
      opened_cb, &ao);
  g_assert_true (ja_test_wait_flag (&ao.done, 10000));
  g_assert_true (ja_test_wait_flag (&bo.done, 10000));
  g_assert_no_error (ao.error);
  g_assert_no_error (bo.error);
  g_assert_cmpuint (ja_ibb_session_get_block_size (bo.session), ==,
      block_size);
  *a = ao.session;
  *b = bo.session;
}

/* ---- writer and reader -------------------------------------------------- */

typedef struct {
  JaIbbSession *session;
  GBytes *payload;
  gboolean done;
  GError *error;
} Writer;

static void
writer_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Writer *w = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), res, &w->error);
  w->done = TRUE;
}

static void
writer_written_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Writer *w = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL,
          &w->error)) {
    w->done = TRUE;
    return;
  }
  g_io_stream_close_async (G_IO_STREAM (w->session), G_PRIORITY_DEFAULT,
      NULL, writer_closed_cb, w);
}

static void
writer_start (Writer *w, JaIbbSession *session, GBytes *payload)
{
  gsize len;
  const void *data = g_bytes_get_data (payload, &len);

  w->session = session;
  w->payload = payload;
  g_output_stream_write_all_async (
      g_io_stream_get_output_stream (G_IO_STREAM (session)), data, len,
      G_PRIORITY_DEFAULT, NULL, writer_written_cb, w);
}

typedef struct {
  JaIbbSession *session;
  GChecksum *sum;
  guint8 buf[65536];
  gsize chunk;              /* bytes per read */
  guint delay_ms;           /* pause between reads: a slow reader */
  gsize total;
  gboolean done;
  GError *error;
} Reader;

static void reader_next (Reader *r);

static gboolean
reader_delay_cb (gpointer user_data)
{
  reader_next (user_data);
  return G_SOURCE_REMOVE;
}

static void
reader_read_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Reader *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res,
      &r->error);

  if (n <= 0) {
    r->done = TRUE;
    return;
  }
  g_checksum_update (r->sum, r->buf, n);
  r->total += n;
  if (r->delay_ms > 0)
    g_timeout_add (r->delay_ms, reader_delay_cb, r);
  else
    reader_next (r);
}

static void
reader_next (Reader *r)
{
  g_input_stream_read_async (
      g_io_stream_get_input_stream (G_IO_STREAM (r->session)), r->buf,
      r->chunk, G_PRIORITY_DEFAULT, NULL, reader_read_cb, r);
}

static void
reader_start (Reader *r, JaIbbSession *session, gsize chunk, guint delay_ms)
{
  r->session = session;
  r->sum = g_checksum_new (G_CHECKSUM_SHA256);
  r->chunk = MIN (chunk, sizeof r->buf);
  r->delay_ms = delay_ms;
  reader_next (r);
}

static void
reader_clear (Reader *r)
{
  g_checksum_free (r->sum);
  g_clear_error (&r->error);
}

static GBytes *
make_payload (gsize len)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) len);
  guint8 *data = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, len);
}

/* Sends payload over a new bytestream; returns the seconds it took. */
static double
transfer (Fixture *f, const char *sid, gsize len, guint16 block_size,
    guint window)
{
  g_autoptr (GBytes) payload = make_payload (len);
  g_autoptr (JaIbbSession) a = NULL;
  g_autoptr (JaIbbSession) b = NULL;
  g_autofree char *want = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
      payload);
  Writer w = { 0 };
  Reader r = { 0 };
  gint64 t0;

  open_pair (f, sid, block_size, window, &a, &b);
  t0 = g_get_monotonic_time ();
  reader_start (&r, b, 65536, 0);
  writer_start (&w, a, payload);
  g_assert_true (ja_test_wait_flag (&r.done, 120000));
  g_assert_true (ja_test_wait_flag (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.total, ==, len);
  g_assert_cmpstr (g_checksum_get_string (r.sum), ==, want);
  g_assert_cmpuint (ja_ibb_session_get_max_unacked_bytes (a), <=,
      (gsize) window * block_size);
  reader_clear (&r);
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_payloads (Fixture *f, gconstpointer data)
{
  static const gsize sizes[] = { 0, 1, 1024 * 1024, 8 * 1024 * 1024 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autofree char *sid = g_strdup_printf ("payload-%u", i);
    double secs = transfer (f, sid, sizes[i], 16384, JA_IBB_DEFAULT_WINDOW);

    g_test_message ("%" G_GSIZE_FORMAT " bytes in %.3f s", sizes[i], secs);
    if (sizes[i] == 8 * 1024 * 1024)
      g_test_message ("IBB 8 MiB, block 16 KiB, window %u: %.2f MB/s",
          JA_IBB_DEFAULT_WINDOW, sizes[i] / secs / 1e6);
  }
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  Opened ao = { 0 }, bo = { 0 };
  const char *bob = ja_xmpp_stream_get_bound_jid (f->bob);
  const char *alice = ja_xmpp_stream_get_bound_jid (f->alice);

  /* Not expected at all: not-acceptable. */
  ja_ibb_manager_open_async (f->alice_ibb, bob, "nope", 4096, NULL,
      opened_cb, &ao);
  g_assert_true (ja_test_wait_flag (&ao.done, 10000));
  g_assert_error (ao.error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE);
  g_clear_error (&ao.error);

  /* Expected, but with smaller blocks: resource-constraint. */
  ao.done = FALSE;
  ja_ibb_manager_accept_async (f->bob_ibb, alice, "small", 4096, NULL,
      accepted_cb, &bo);
  ja_ibb_manager_open_async (f->alice_ibb, bob, "small", 8192, NULL,
      opened_cb, &ao);
  g_assert_true (ja_test_wait_flag (&ao.done, 10000));
  g_assert_error (ao.error, JA_XMPP_ERROR, JA_XMPP_ERROR_RESOURCE_CONSTRAINT);
  g_clear_error (&ao.error);
  g_assert_false (bo.done);

  /* The retry with a smaller block-size goes through. */
  ao.done = FALSE;
  ja_ibb_manager_open_async (f->alice_ibb, bob, "small", 4096, NULL,
      opened_cb, &ao);
  g_assert_true (ja_test_wait_flag (&ao.done, 10000));
  g_assert_true (ja_test_wait_flag (&bo.done, 10000));
  g_assert_no_error (ao.error);
  g_assert_no_error (bo.error);
  g_object_unref (ao.session);
  g_object_unref (bo.session);
}

typedef struct {
  JaIbbCorruption kind;
  JaXmppErrorCondition cond;
} CorruptCase;

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  static const CorruptCase cases[] = {
    { JA_IBB_CORRUPT_BASE64, JA_XMPP_ERROR_BAD_REQUEST },
    { JA_IBB_CORRUPT_SEQ, JA_XMPP_ERROR_UNEXPECTED_REQUEST },
    { JA_IBB_CORRUPT_OVERSIZE, JA_XMPP_ERROR_BAD_REQUEST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *sid = g_strdup_printf ("corrupt-%u", i);
    g_autoptr (GBytes) payload = make_payload (256 * 1024);
    g_autoptr (JaIbbSession) a = NULL;
    g_autoptr (JaIbbSession) b = NULL;
    Writer w = { 0 };
    Reader r = { 0 };

    open_pair (f, sid, 4096, 8, &a, &b);
    ja_ibb_session_corrupt_next_block (a, cases[i].kind);
    reader_start (&r, b, 65536, 0);
    writer_start (&w, a, payload);
    g_assert_true (ja_test_wait_flag (&r.done, 10000));
    g_assert_true (ja_test_wait_flag (&w.done, 10000));
    g_test_message ("reader: %s", r.error ? r.error->message : "(none)");
    g_test_message ("writer: %s", w.error ? w.error->message : "(none)");
    /* The reader sees the condition it sent; no data before the bad block. */
    g_assert_error (r.error, JA_XMPP_ERROR, (gint) cases[i].cond);
    g_assert_cmpuint (r.total, ==, 0);
    /* The writer learns the bytestream failed. */
    g_assert_nonnull (w.error);
    reader_clear (&r);
    g_clear_error (&w.error);
  }
}

static gboolean
unacked_zero_cond (gpointer data)
{
  return ja_ibb_session_get_unacked_bytes (data) == 0;
}

static void
test_slow_reader (Fixture *f, gconstpointer data)
{
  const gsize len = 1024 * 1024, limit = 16 * 1024;
  const guint16 bs = 4096;
  const guint window = 8;
  g_autoptr (GBytes) payload = make_payload (len);
  g_autoptr (JaIbbSession) a = NULL;
  g_autoptr (JaIbbSession) b = NULL;
  g_autofree char *want = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
      payload);
  Writer w = { 0 };
  Reader r = { 0 };

  ja_ibb_manager_set_receive_buffer (f->bob_ibb, limit);
  open_pair (f, "slow", bs, window, &a, &b);
  reader_start (&r, b, 4096, 2);
  writer_start (&w, a, payload);
  g_assert_true (ja_test_wait_flag (&r.done, 60000));
  g_assert_true (ja_test_wait_flag (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_no_error (r.error);
  g_assert_cmpstr (g_checksum_get_string (r.sum), ==, want);
  g_test_message ("sender peak unacked %" G_GSIZE_FORMAT ", receiver peak "
      "buffered %" G_GSIZE_FORMAT, ja_ibb_session_get_max_unacked_bytes (a),
      ja_ibb_session_get_max_buffered_bytes (b));
  /* The sender filled its window and never went beyond it; the receiver
   * held at most its limit plus one window. */
  g_assert_cmpuint (ja_ibb_session_get_max_unacked_bytes (a), ==,
      (gsize) window * bs);
  g_assert_cmpuint (ja_ibb_session_get_max_buffered_bytes (b), <=,
      limit + (gsize) window * bs);
  g_assert_cmpuint (ja_ibb_session_get_max_buffered_bytes (b), >, limit);
  g_assert_true (ja_test_wait_until (unacked_zero_cond, a, 1000));
  reader_clear (&r);
}

static void
test_measure (Fixture *f, gconstpointer data)
{
  static const guint16 blocks[] = { 4096, 8192, 16384, 32768 };
  static const guint windows[] = { 1, 4, 8, 16 };
  const gsize len = 4 * 1024 * 1024;

  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++) {
    for (guint w = 0; w < G_N_ELEMENTS (windows); w++) {
      g_autofree char *sid = g_strdup_printf ("m-%u-%u", b, w);
      gsize n = len;
      double secs = transfer (f, sid, n, blocks[b], windows[w]);

      g_test_message ("block %5u window %2u: %6.2f MB/s", blocks[b],
          windows[w], n / secs / 1e6);
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/ibb/payloads", Fixture, NULL, fixture_set_up, test_payloads,
      fixture_tear_down);
  g_test_add ("/ibb/refused", Fixture, NULL, fixture_set_up, test_refused,
      fixture_tear_down);
  g_test_add ("/ibb/corrupt", Fixture, NULL, fixture_set_up, test_corrupt,
      fixture_tear_down);
  g_test_add ("/ibb/slow-reader", Fixture, NULL, fixture_set_up,
      test_slow_reader, fixture_tear_down);
  if (g_getenv ("JA_IBB_MEASURE") != NULL)
    g_test_add ("/ibb/measure", Fixture, NULL, fixture_set_up, test_measure,
        fixture_tear_down);
  return g_test_run ();
}
