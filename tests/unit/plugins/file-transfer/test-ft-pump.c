/* test-ft-pump.c — the threaded data path of a file transfer over a socket
 * (plugins/file-transfer/ft-pump.c) on a local socketpair, files in a
 * g_dir_make_tmp directory: a file of several receive buffers arrives
 * identical with its SHA-256 (hashed in the second thread), a range from an
 * offset, the corrupt-byte test hook flips exactly one bit (and the hash
 * then mismatches), the rate test hook changes nothing that arrives, a
 * file shorter than offered fails the sender, and a cancelled receiver
 * returns, also with bytes waiting (it takes none). */

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "plugins/file-transfer/ft-error.h"
#include "plugins/file-transfer/ft-pump.h"
#include "plugins/file-transfer/ft-writer.h"
#include "tests/support/ja-test-fs.h"

/* Several receive buffers and a partial one. */
#define FILE_SIZE (5 * JA_FT_PUMP_BUFFER + 12345)

typedef struct {
  char *dir;
  char *src;                 /* the file to send */
  guint8 *data;              /* its bytes */
  guint64 rate;              /* the sender's test rate, 0: none */
  GSocket *tx;
  GSocket *rx;
  GMainLoop *loop;
  guint pending;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  int sv[2];

  f->dir = g_dir_make_tmp ("ja-ft-pump-XXXXXX", &error);
  g_assert_no_error (error);
  f->data = g_malloc (FILE_SIZE);
  for (gsize i = 0; i < FILE_SIZE; i++)
    f->data[i] = (guint8) ((i * 2654435761u) >> 13);
  f->src = g_build_filename (f->dir, "source.bin", NULL);
  g_assert_true (g_file_set_contents (f->src, (const char *) f->data,
          FILE_SIZE, NULL));
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
      ==, 0);
  f->tx = g_socket_new_from_fd (sv[0], &error);
  g_assert_no_error (error);
  f->rx = g_socket_new_from_fd (sv[1], &error);
  g_assert_no_error (error);
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->tx);
  g_clear_object (&f->rx);
  g_main_loop_unref (f->loop);
  ja_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->src);
  g_free (f->data);
}

typedef struct {
  Fixture *f;
  JaFtPump *pump;
  gboolean ok;
  GError *error;
  gboolean shut;             /* sender: shut the write side when done */
} Run;

static void
ran_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Run *r = user_data;

  r->ok = ja_ft_pump_run_finish (r->pump, res, &r->error);
  if (r->shut)
    g_socket_shutdown (r->f->tx, FALSE, TRUE, NULL);
  if (--r->f->pending == 0)
    g_main_loop_quit (r->f->loop);
}

static void
start (Fixture *f, Run *r, JaFtPump *pump, GCancellable *cancellable)
{
  r->f = f;
  r->pump = pump;
  f->pending++;
  ja_ft_pump_run_async (pump, cancellable, ran_cb, r);
}

static void
expect_sha256 (JaFtHashList *list, const guint8 *data, gsize len)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  JaFtHash h = { 0 };
  gsize n = sizeof h.digest;

  g_checksum_update (sum, data, len);
  g_checksum_get_digest (sum, h.digest, &n);
  h.algo = JA_FT_HASH_SHA_256;
  h.len = (guint) n;
  memset (list, 0, sizeof *list);
  g_assert_true (ja_ft_hash_list_set (list, &h));
}

static char *
read_back (const char *path, gsize *len)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return contents;
}

/* Sends [offset, offset + length) of the source with the hook at
 * corrupt; receives into NAME. Returns the writer, finished or not. */
static JaFtWriter *
transfer (Fixture *f, guint64 offset, guint64 length, gint64 corrupt,
    Run *tx, Run *rx)
{
  g_autoptr (GError) error = NULL;
  JaFtWriter *w = ja_ft_writer_new (f->dir, "copy.bin", 0, length, &error);
  int fd = open (f->src, O_RDONLY | O_CLOEXEC);
  JaFtPump *sender;

  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  tx->shut = TRUE;
  sender = ja_ft_pump_new_sender (f->tx, fd, offset, length, corrupt,
      &error);
  g_assert_no_error (error);
  ja_ft_pump_set_rate (sender, f->rate);
  start (f, tx, sender, NULL);
  close (fd);
  start (f, rx, ja_ft_pump_new_receiver (f->rx, w), NULL);
  g_main_loop_run (f->loop);
  return w;
}

static void
test_whole_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Run tx = { 0 }, rx = { 0 };
  g_autoptr (JaFtWriter) w = transfer (f, 0, FILE_SIZE, -1, &tx, &rx);
  g_autofree char *path = NULL;
  g_autofree char *got = NULL;
  JaFtHashList want;
  gsize len;

  g_assert_no_error (tx.error);
  g_assert_no_error (rx.error);
  g_assert_true (tx.ok && rx.ok);
  g_assert_cmpuint (ja_ft_pump_get_bytes (tx.pump), ==, FILE_SIZE);
  g_assert_cmpuint (ja_ft_pump_get_bytes (rx.pump), ==, FILE_SIZE);
  expect_sha256 (&want, f->data, FILE_SIZE);
  path = ja_ft_writer_finish (w, &want, &error);
  g_assert_no_error (error);
  got = read_back (path, &len);
  g_assert_cmpuint (len, ==, FILE_SIZE);
  g_assert_true (memcmp (got, f->data, FILE_SIZE) == 0);
  ja_ft_pump_free (tx.pump);
  ja_ft_pump_free (rx.pump);
}

/* The JINGLE_AGENT_TEST_S5B_RATE hook (a whole file in about 0.2 s) changes
 * nothing that arrives. */
static void
test_rate_hook (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Run tx = { 0 }, rx = { 0 };
  g_autoptr (JaFtWriter) w = NULL;
  g_autofree char *path = NULL;
  JaFtHashList want;

  f->rate = FILE_SIZE * 5;
  w = transfer (f, 0, FILE_SIZE, -1, &tx, &rx);
  g_assert_true (tx.ok && rx.ok);
  g_assert_cmpuint (ja_ft_pump_get_bytes (tx.pump), ==, FILE_SIZE);
  g_assert_cmpuint (ja_ft_pump_get_bytes (rx.pump), ==, FILE_SIZE);
  expect_sha256 (&want, f->data, FILE_SIZE);
  path = ja_ft_writer_finish (w, &want, &error);
  g_assert_no_error (error);
  ja_ft_pump_free (tx.pump);
  ja_ft_pump_free (rx.pump);
}

static void
test_range (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint64 offset = 2 * JA_FT_PUMP_BUFFER + 777;
  Run tx = { 0 }, rx = { 0 };
  g_autoptr (JaFtWriter) w = transfer (f, offset, FILE_SIZE - offset, -1,
      &tx, &rx);
  g_autofree char *path = NULL;
  g_autofree char *got = NULL;
  JaFtHashList want;
  gsize len;

  g_assert_true (tx.ok && rx.ok);
  g_assert_cmpuint (ja_ft_pump_get_bytes (rx.pump), ==, FILE_SIZE - offset);
  expect_sha256 (&want, f->data + offset, FILE_SIZE - offset);
  path = ja_ft_writer_finish (w, &want, &error);
  g_assert_no_error (error);
  got = read_back (path, &len);
  g_assert_cmpuint (len, ==, FILE_SIZE - offset);
  g_assert_true (memcmp (got, f->data + offset, len) == 0);
  ja_ft_pump_free (tx.pump);
  ja_ft_pump_free (rx.pump);
}

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 bad = 3 * JA_FT_PUMP_BUFFER + 7;
  Run tx = { 0 }, rx = { 0 };
  g_autoptr (JaFtWriter) w = transfer (f, 0, FILE_SIZE, bad, &tx, &rx);
  g_autofree char *part = g_build_filename (f->dir, "copy.bin.part", NULL);
  g_autofree char *got = NULL;
  JaFtHashList want;
  gsize len;
  guint diffs = 0;

  g_assert_true (tx.ok && rx.ok);
  got = read_back (part, &len);
  g_assert_cmpuint (len, ==, FILE_SIZE);
  for (gsize i = 0; i < len; i++) {
    if ((guint8) got[i] != f->data[i]) {
      diffs++;
      g_assert_cmpuint (i, ==, (gsize) bad);
      g_assert_cmpuint ((guint8) got[i] ^ f->data[i], ==, 0x01);
    }
  }
  g_assert_cmpuint (diffs, ==, 1);
  expect_sha256 (&want, f->data, FILE_SIZE);
  g_assert_null (ja_ft_writer_finish (w, &want, &error));
  g_assert_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_HASH_MISMATCH);
  ja_ft_pump_free (tx.pump);
  ja_ft_pump_free (rx.pump);
}

static void
test_short_file (Fixture *f, gconstpointer data)
{
  Run tx = { 0 }, rx = { 0 };
  g_autoptr (JaFtWriter) w = transfer (f, 0, FILE_SIZE + 100, -1, &tx, &rx);
  g_autoptr (GError) error = NULL;

  g_assert_false (tx.ok);
  g_assert_error (tx.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (tx.error->message, "shorter than offered"));
  g_clear_error (&tx.error);
  /* What came is the whole file, one short of the offer. */
  g_assert_true (rx.ok);
  g_assert_cmpuint (ja_ft_pump_get_bytes (rx.pump), ==, FILE_SIZE);
  g_assert_null (ja_ft_writer_finish (w, NULL, &error));
  g_assert_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_INCOMPLETE);
  ja_ft_writer_abort (w, FALSE);
  ja_ft_pump_free (tx.pump);
  ja_ft_pump_free (rx.pump);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JaFtWriter) w = ja_ft_writer_new (f->dir, "copy.bin", 0,
      FILE_SIZE, &error);
  Run rx = { 0 };

  g_assert_no_error (error);
  /* Nothing is ever sent: only the cancellation ends the receiver. */
  start (f, &rx, ja_ft_pump_new_receiver (f->rx, w), cancellable);
  g_timeout_add (50, cancel_cb, cancellable);
  g_main_loop_run (f->loop);
  g_assert_false (rx.ok);
  g_assert_error (rx.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&rx.error);
  g_assert_cmpuint (ja_ft_pump_get_bytes (rx.pump), ==, 0);
  ja_ft_pump_free (rx.pump);
}

/* Bytes are waiting, but the run is cancelled: the receiver takes none
 * (it checks before each read, as a blocking receive does). */
static void
test_cancel_with_data (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JaFtWriter) w = ja_ft_writer_new (f->dir, "copy.bin", 0,
      FILE_SIZE, &error);
  Run rx = { 0 };

  g_assert_no_error (error);
  g_assert_cmpint (g_socket_send (f->tx, (const char *) f->data, 4096, NULL,
          &error), ==, 4096);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  start (f, &rx, ja_ft_pump_new_receiver (f->rx, w), cancellable);
  g_main_loop_run (f->loop);
  g_assert_false (rx.ok);
  g_assert_error (rx.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&rx.error);
  g_assert_true (ja_ft_pump_failed_on_socket (rx.pump));
  g_assert_cmpuint (ja_ft_pump_get_bytes (rx.pump), ==, 0);
  ja_ft_pump_free (rx.pump);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/ft/pump/whole-file", Fixture, NULL, fixture_set_up,
      test_whole_file, fixture_tear_down);
  g_test_add ("/ft/pump/range", Fixture, NULL, fixture_set_up, test_range,
      fixture_tear_down);
  g_test_add ("/ft/pump/rate-hook", Fixture, NULL, fixture_set_up,
      test_rate_hook, fixture_tear_down);
  g_test_add ("/ft/pump/corrupt-hook", Fixture, NULL, fixture_set_up,
      test_corrupt, fixture_tear_down);
  g_test_add ("/ft/pump/short-file", Fixture, NULL, fixture_set_up,
      test_short_file, fixture_tear_down);
  g_test_add ("/ft/pump/cancel", Fixture, NULL, fixture_set_up, test_cancel,
      fixture_tear_down);
  g_test_add ("/ft/pump/cancel-with-data", Fixture, NULL, fixture_set_up,
      test_cancel_with_data, fixture_tear_down);
  return g_test_run ();
}
