/* ft-transfer.c — one XEP-0234 file transfer over a streaming Jingle
 * channel. Sender (§File Sender): reads the file in JA_FT_CHUNK_SIZE pieces
 * and writes them to the channel's GIOStream asynchronously (never the whole
 * file in memory), then closes the stream (that is end of file) and waits
 * for the receiver's verdict: its <received/> for this content, or the
 * session-terminate. Receiver (§File Receiver): reads the channel into an
 * ft-writer (NAME.part, hashed in line) until EOF, checks the XEP-0300
 * hash from the offer or from a <checksum/> session-info, renames, sends
 * <received/> and finishes the content with success (the engine ends the
 * session with <success/> once every content has finished); on a mismatch
 * it ends the session with <media-error/> and "hash mismatch", keeping
 * nothing under the final name.
 * A File Request (§Requesting a File) swaps who starts: the requester is a
 * receiver whose file is a selector until the holder's session-accept
 * describes the file (a hash it asked for stays the one checked); the
 * holder is a sender whose file the agent picks (ja_ft_transfer_serve).
 * Ranged transfers (§Ranged Transfers): a receiver that finds NAME.part of
 * the same file answers with <range offset/> and continues it (the whole
 * file's hash is still checked); the sender seeks there. Which parts are
 * kept, and their sidecars: "resumable parts" below.
 *
 * Owned by its application struct (ft-app.c) and by whoever listens; holds
 * the channel's stream while I/O runs. Every async callback holds a
 * reference on the transfer and checks `stopped` first. */
#include "plugins/file-transfer/ft-transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>

#include "plugins/file-transfer/ft-error.h"
#include "plugins/file-transfer/ft-name.h"
#include "plugins/file-transfer/ft-pump.h"
#include "plugins/file-transfer/ft-sidecar.h"
#include "plugins/file-transfer/ft-writer.h"
#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

struct _JaFtTransfer {
  GObject parent;

  gboolean sender;
  gboolean request;             /* a File Request, on either side */
  JaJingleContent *content;     /* unowned; NULL once detached */
  JaJingleSession *session;     /* weak pointer */
  JaFtFile *file;
  char *content_name;
  JaFtCreator creator;
  char *path;
  char *dir;
  char *transport_ns;

  GCancellable *cancellable;
  GIOStream *stream;
  GInputStream *source;         /* sender: the file */
  JaFtWriter *writer;           /* receiver */
  guint8 *buf;
  gsize chunk_len;
  guint64 bytes;
  gint64 t_start;
  gint64 t_end;
  gint64 corrupt_offset;        /* test hook, -1: off */
  JaFtHashList expected;
  gboolean have_expected;
  gboolean started;
  gboolean stopped;
  gboolean sent_all;            /* every byte written to the stream */
  gboolean eof;
  gboolean accepted;
  gboolean done;
  guint timer_id;
  guint accepted_idle_id;
  char *sha256_hex;

  /* Ranged transfers (XEP-0234 §Ranged Transfers). */
  guint64 offset;               /* where the bytes start: resumed_from */
  char *resume_part;            /* receiver: the .part to continue */
  char *part_key;               /* receiver: "dir/part" while reserved */
  gboolean writer_ended;        /* receiver: the writer is finished/aborted */
  gboolean has_sidecar;         /* receiver: the part's offer identity is on disk */
  gint64 last_io;               /* receiver: when bytes last arrived */

  /* A socket channel's data path runs in a thread (ft-pump.h). */
  JaFtPump *pump;
  gboolean pump_running;        /* the pump owns the stream and the writer */
  guint tick_id;                /* polls its byte count */
  gboolean writer_end_pending;  /* writer_end asked while the pump ran */
  gboolean writer_end_keep;

  /* Several files in one session (ja_ft_transfer_set_parallel). */
  gboolean queued;              /* sender: waiting for a slot */
  gboolean holds_slot;          /* sender: counted as running */
};

G_DEFINE_FINAL_TYPE (JaFtTransfer, ja_ft_transfer, G_TYPE_OBJECT)

enum { ACCEPTED, PROGRESS, VERIFIED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- several files in one session ---------------------------------------- *
 * Each content has its own bytestream; a sender sends at most `limit` of a
 * session's files at once, the others wait (transport up, no data) in
 * order. A receiver whose file waits is not idle while another file of the
 * same session moves: the session's last_io counts. */

#define SLOTS_KEY "ja-ft-slots"

typedef struct {
  guint limit;                  /* 0: no limit */
  guint running;
  GQueue waiting;               /* JaFtTransfer* (owned refs) */
  gint64 last_io;               /* bytes of any content of the session */
} Slots;

static void
slots_free (gpointer data)
{
  Slots *sl = data;

  g_queue_clear_full (&sl->waiting, g_object_unref);
  g_free (sl);
}

static Slots *
session_slots (JaJingleSession *session, gboolean create)
{
  Slots *sl;

  if (session == NULL)
    return NULL;
  sl = g_object_get_data (G_OBJECT (session), SLOTS_KEY);
  if (sl == NULL && create) {
    sl = g_new0 (Slots, 1);
    g_queue_init (&sl->waiting);
    g_object_set_data_full (G_OBJECT (session), SLOTS_KEY, sl, slots_free);
  }
  return sl;
}

void
ja_ft_transfer_set_parallel (JaJingleSession *session, guint limit)
{
  g_return_if_fail (JA_IS_JINGLE_SESSION (session));
  session_slots (session, TRUE)->limit = limit;
}

/* Bytes moved on self: the session is alive. */
static void
touch (JaFtTransfer *self)
{
  Slots *sl = session_slots (self->session, TRUE);

  self->last_io = g_get_monotonic_time ();
  if (sl != NULL)
    sl->last_io = self->last_io;
}

/* When bytes last moved on self or on another file of its session. */
static gint64
last_activity (JaFtTransfer *self)
{
  Slots *sl = session_slots (self->session, FALSE);

  return sl != NULL ? MAX (sl->last_io, self->last_io) : self->last_io;
}

static void sender_start (JaFtTransfer *self);

/* Sender: TRUE when self may send now (it holds a slot), FALSE when it
 * waits for one (it is queued and started later). */
static gboolean
take_slot (JaFtTransfer *self)
{
  Slots *sl = session_slots (self->session, FALSE);

  if (sl != NULL && sl->limit > 0 && sl->running >= sl->limit) {
    self->queued = TRUE;
    g_queue_push_tail (&sl->waiting, g_object_ref (self));
    g_info ("content %s: waiting (%u of at most %u files sending)",
        self->content_name, sl->running, sl->limit);
    return FALSE;
  }
  if (sl != NULL)
    sl->running++;
  self->holds_slot = TRUE;
  g_info ("content %s: sending (%u of at most %u files at once)",
      self->content_name, sl != NULL ? sl->running : 1,
      sl != NULL ? sl->limit : 0);
  return TRUE;
}

/* Sender: self's bytes are all out (or it ended): the next waiting file
 * of the session takes the slot. */
static void
release_slot (JaFtTransfer *self)
{
  Slots *sl = session_slots (self->session, FALSE);

  if (!self->holds_slot)
    return;
  self->holds_slot = FALSE;
  if (sl == NULL)
    return;
  sl->running--;
  while (sl->running < sl->limit || sl->limit == 0) {
    g_autoptr (JaFtTransfer) next = g_queue_pop_head (&sl->waiting);

    if (next == NULL)
      break;
    next->queued = FALSE;
    if (next->stopped || next->done)
      continue;
    if (take_slot (next)) {
      next->t_start = g_get_monotonic_time ();
      sender_start (next);
    }
  }
}

/* ---- resumable parts ---------------------------------------------------- *
 * A receiver's NAME.part is kept for a later resume when the transfer ends
 * without a verdict (connection lost, sender gone, local cancel) and the
 * offer had a size. Next to it, ".NAME.part.offer" (ft-sidecar.h) holds
 * the offer's identity: size, date, hash values. A later offer of the same sanitised name whose size,
 * hashes and date (those it gives) agree continues the part from its
 * length. Parts in use by a live transfer of this process are never taken
 * twice, except that a new offer from the same account takes over a part
 * whose transfer has been silent for JA_FT_STALLED_MS: its sender is gone
 * (killed, or cut off while its server keeps the session hibernating,
 * XEP-0198), and that stalled session is ended (keeping the part). */

static GHashTable *parts_in_use;    /* "dir/part" → JaFtTransfer* (unowned) */

static gboolean
reserve_part (JaFtTransfer *self, const char *dir, const char *part)
{
  g_autofree char *key = g_build_filename (dir, part, NULL);

  if (parts_in_use == NULL)
    parts_in_use = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        NULL);
  if (g_hash_table_contains (parts_in_use, key))
    return FALSE;
  g_hash_table_insert (parts_in_use, g_strdup (key), self);
  g_free (self->part_key);
  self->part_key = g_steal_pointer (&key);
  self->last_io = g_get_monotonic_time ();
  return TRUE;
}

static void
release_part (JaFtTransfer *self)
{
  if (self->part_key != NULL && parts_in_use != NULL
      && g_hash_table_lookup (parts_in_use, self->part_key) == self)
    g_hash_table_remove (parts_in_use, self->part_key);
  g_clear_pointer (&self->part_key, g_free);
}

/* dir/part is held by a stalled transfer from the same account as self's
 * peer: end that session (the part is kept, and released). */
static void
take_over_stalled (JaFtTransfer *self, const char *dir, const char *part)
{
  g_autofree char *key = g_build_filename (dir, part, NULL);
  JaFtTransfer *old = parts_in_use != NULL
      ? g_hash_table_lookup (parts_in_use, key) : NULL;
  const char *peer = self->session ? ja_jingle_session_get_peer (self->session)
      : NULL;

  if (old == NULL || old == self || old->sender || old->done
      || old->session == NULL || peer == NULL
      || !ja_jid_string_bare_equal (peer,
          ja_jingle_session_get_peer (old->session))
      || g_get_monotonic_time () - old->last_io
      < (gint64) JA_FT_STALLED_MS * 1000)
    return;
  g_info ("content %s: %s's transfer into %s is stalled: taking it over",
      self->content_name, ja_jingle_session_get_peer (old->session), part);
  ja_jingle_session_terminate (old->session,
      JA_JINGLE_REASON_CONNECTIVITY_ERROR,
      "stalled; superseded by a new offer of the same file");
}

/* Ends the receiver's writer: keep (a resumable end) leaves the part and
 * its sidecar for a later offer, else both go. */
static void
writer_end (JaFtTransfer *self, gboolean keep)
{
  if (self->writer == NULL || self->writer_ended)
    return;
  if (self->pump_running) {
    /* The pump's thread still writes: the first word stands until then. */
    if (!self->writer_end_pending) {
      self->writer_end_pending = TRUE;
      self->writer_end_keep = keep;
    }
    return;
  }
  self->writer_ended = TRUE;
  keep = keep && self->has_sidecar && self->file->has_size
      && ja_ft_writer_get_offset (self->writer) > 0;
  if (keep)
    g_info ("content %s: keeping %s for a resume (%" G_GUINT64_FORMAT
        " bytes)", self->content_name,
        ja_ft_writer_get_part_name (self->writer),
        ja_ft_writer_get_offset (self->writer));
  else if (self->has_sidecar)
    ja_ft_sidecar_remove (self->dir, ja_ft_writer_get_part_name (self->writer));
  ja_ft_writer_abort (self->writer, keep);
  release_part (self);
}

gboolean
ja_ft_transfer_find_resume (JaFtTransfer *self)
{
  g_autofree char *name = NULL;
  g_autofree char *part = NULL;
  g_autoptr (GKeyFile) kf = NULL;
  struct stat st;
  int dir_fd;
  gboolean ok;

  g_return_val_if_fail (!self->sender && !self->started, FALSE);
  if (self->dir == NULL || self->request || !self->file->has_size
      || self->resume_part != NULL)
    return self->resume_part != NULL;
  name = ja_ft_name_sanitize (self->file->name);
  part = g_strconcat (name, JA_FT_PART_SUFFIX, NULL);
  dir_fd = ja_ft_dir_open (self->dir, NULL);
  if (dir_fd < 0)
    return FALSE;
  ok = (kf = ja_ft_sidecar_read (dir_fd, part)) != NULL
      && ja_ft_sidecar_matches (kf, self->file);
  if (ok) {
    /* The same file: a stalled transfer of it lets go of the part (and
     * has written its last bytes) before its length is read. */
    take_over_stalled (self, self->dir, part);
    ok = ja_ft_sidecar_stat_part (dir_fd, part, &st)
        && (guint64) st.st_size <= self->file->size;
  }
  close (dir_fd);
  if (!ok || !reserve_part (self, self->dir, part))
    return FALSE;
  self->resume_part = g_steal_pointer (&part);
  self->offset = (guint64) st.st_size;
  g_info ("content %s: resuming %s at %" G_GUINT64_FORMAT,
      self->content_name, self->resume_part, self->offset);
  return TRUE;
}

guint64
ja_ft_transfer_get_resumed_from (JaFtTransfer *self)
{
  return self->offset;
}

/* ---- outcome ------------------------------------------------------------ */

static void
conclude (JaFtTransfer *self, const char *path, const GError *error)
{
  g_autoptr (JaFtTransfer) keep = g_object_ref (self);

  (void) keep;
  if (self->done)
    return;
  self->done = TRUE;
  self->t_end = g_get_monotonic_time ();
  release_slot (self);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (error == NULL)
    g_signal_emit (self, signals[VERIFIED], 0, path);
  else
    g_signal_emit (self, signals[FAILED], 0, error);
}

/* A local failure: report it, then end the session with reason and the
 * error's message as the text. */
static void
fail_and_terminate (JaFtTransfer *self, const GError *error,
    JaJingleReason reason)
{
  g_autoptr (JaFtTransfer) keep = g_object_ref (self);

  (void) keep;
  conclude (self, NULL, error);
  if (self->session != NULL)
    ja_jingle_session_terminate (self->session, reason, error->message);
}

static void
session_terminated_cb (JaJingleSession *session, guint reason,
    const char *text, gboolean by_peer, gpointer user_data)
{
  JaFtTransfer *self = user_data;
  g_autoptr (GError) error = NULL;
  const char *rname = ja_jingle_reason_to_string (reason);
  g_autofree char *why = g_strdup_printf ("%s%s%s", rname,
      text ? ": " : "", text ? text : "");

  /* A part is kept for a resume unless the sender cancelled on purpose or
   * the bytes were wrong (a mismatch has already removed it). */
  if (self->writer != NULL)
    writer_end (self, !(reason == JA_JINGLE_REASON_CANCEL && by_peer)
        && reason != JA_JINGLE_REASON_MEDIA_ERROR);
  if (self->done)
    return;
  if (reason == JA_JINGLE_REASON_SUCCESS && self->sender && self->sent_all) {
    conclude (self, self->path, NULL);
    return;
  }
  switch ((JaJingleReason) reason) {
  case JA_JINGLE_REASON_DECLINE:
  case JA_JINGLE_REASON_BUSY:
    error = g_error_new (JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_DECLINED,
        "%s %s the transfer (%s)", ja_jingle_session_get_peer (session),
        by_peer ? "declined" : "was declined", why);
    break;
  case JA_JINGLE_REASON_CANCEL:
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
        "transfer cancelled%s (%s)", by_peer ? " by the peer" : "", why);
    break;
  case JA_JINGLE_REASON_FAILED_APPLICATION:
    /* XEP-0234 §File not Available: the holder's answer to a request. */
    if (self->request && !self->sender && !self->accepted) {
      error = g_error_new (JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_NOT_AVAILABLE,
          "%s has no such file for us (%s)",
          ja_jingle_session_get_peer (session), why);
      break;
    }
    error = g_error_new (JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_INCOMPLETE,
        "transfer ended before the file was complete (%s)", why);
    break;
  case JA_JINGLE_REASON_MEDIA_ERROR:
    error = g_error_new (JA_TRANSFER_ERROR,
        text != NULL && strstr (text, "hash mismatch") != NULL
        ? JA_TRANSFER_ERROR_HASH_MISMATCH : JA_TRANSFER_ERROR_INCOMPLETE,
        "transfer failed: %s", why);
    break;
  default:
    error = g_error_new (JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_INCOMPLETE,
        "transfer ended before the file was complete (%s)", why);
    break;
  }
  conclude (self, NULL, error);
}

static void
emit_accepted (JaFtTransfer *self)
{
  g_clear_handle_id (&self->accepted_idle_id, g_source_remove);
  if (self->accepted || self->done)
    return;
  self->accepted = TRUE;
  g_signal_emit (self, signals[ACCEPTED], 0);
}

static gboolean
accepted_idle_cb (gpointer user_data)
{
  JaFtTransfer *self = user_data;

  self->accepted_idle_id = 0;
  emit_accepted (self);
  return G_SOURCE_REMOVE;
}

static void
session_state_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  JaFtTransfer *self = user_data;

  if (self->accepted || ja_jingle_session_get_state (JA_JINGLE_SESSION (
              object)) != JA_JINGLE_STATE_ACTIVE)
    return;
  /* The session turns active before the answer's description is read: a
   * sender learns the range (resumed_from) just after. */
  if (self->sender && !self->request) {
    if (self->accepted_idle_id == 0)
      self->accepted_idle_id = g_idle_add (accepted_idle_cb, self);
    return;
  }
  emit_accepted (self);
}

static void
progress (JaFtTransfer *self)
{
  g_signal_emit (self, signals[PROGRESS], 0, self->bytes,
      self->file->has_size ? self->file->size : 0);
}

/* ---- sender ------------------------------------------------------------- */

static void sender_read_next (JaFtTransfer *self);

static void
verdict_timeout (JaFtTransfer *self, const char *what)
{
  g_autoptr (GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "no %s from %s in time", what, self->session
      ? ja_jingle_session_get_peer (self->session) : "the peer");

  self->timer_id = 0;
  fail_and_terminate (self, error, JA_JINGLE_REASON_TIMEOUT);
}

static gboolean
verdict_timeout_cb (gpointer user_data)
{
  verdict_timeout (user_data, "verdict on the transfer");
  return G_SOURCE_REMOVE;
}

static void
sender_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaFtTransfer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (source), res, &error)) {
    if (!self->stopped) {
      g_prefix_error (&error, "closing the bytestream: ");
      fail_and_terminate (self, error, JA_JINGLE_REASON_CONNECTIVITY_ERROR);
    }
    return;
  }
  if (self->stopped || self->done)
    return;
  g_debug ("content %s: all %" G_GUINT64_FORMAT " bytes sent",
      self->content_name, self->bytes);
  self->timer_id = g_timeout_add (JA_FT_VERDICT_TIMEOUT_MS,
      verdict_timeout_cb, self);
}

static void
sender_written_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaFtTransfer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL,
          &error)) {
    if (!self->stopped) {
      g_prefix_error (&error, "sending: ");
      fail_and_terminate (self, error, JA_JINGLE_REASON_CONNECTIVITY_ERROR);
    }
    return;
  }
  if (self->stopped)
    return;
  self->bytes += self->chunk_len;
  progress (self);
  sender_read_next (self);
}

static void
sender_read_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaFtTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res,
      &error);

  if (self->stopped)
    return;
  if (n <= 0) {
    if (n == 0)
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
          "%s: shorter than offered (%" G_GUINT64_FORMAT " of %"
          G_GUINT64_FORMAT " bytes)", self->path, self->bytes,
          self->file->size);
    else
      g_prefix_error (&error, "reading %s: ", self->path);
    fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
    return;
  }
  self->chunk_len = (gsize) n;
  /* Test hook: flip one bit of byte N on the wire. */
  if (self->corrupt_offset >= 0
      && (guint64) self->corrupt_offset >= self->bytes
      && (guint64) self->corrupt_offset < self->bytes + (guint64) n) {
    self->buf[self->corrupt_offset - self->bytes] ^= 0x01;
    self->corrupt_offset = -1;
  }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (
          self->stream), self->buf, self->chunk_len, G_PRIORITY_DEFAULT,
      self->cancellable, sender_written_cb, g_object_ref (self));
}

static void
sender_read_next (JaFtTransfer *self)
{
  guint64 left = self->file->size - self->bytes;

  if (left == 0) {
    /* Every byte is handed to the stream; the receiver's success (which
     * may overtake the result of IBB's <close/>) is the verdict. */
    self->sent_all = TRUE;
    release_slot (self);
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
        sender_closed_cb, g_object_ref (self));
    return;
  }
  g_input_stream_read_async (self->source, self->buf,
      (gsize) MIN (left, JA_FT_CHUNK_SIZE), G_PRIORITY_DEFAULT,
      self->cancellable, sender_read_cb, g_object_ref (self));
}

static gboolean sender_start_pump (JaFtTransfer *self);

static void
sender_start (JaFtTransfer *self)
{
  g_autoptr (GFile) f = NULL;
  g_autoptr (GError) error = NULL;

  if (G_IS_SOCKET_CONNECTION (self->stream) && sender_start_pump (self))
    return;
  f = g_file_new_for_path (self->path);
  self->source = G_INPUT_STREAM (g_file_read (f, self->cancellable, &error));
  if (self->source == NULL) {
    fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
    return;
  }
  /* XEP-0234 §Ranged Transfers: the receiver has the first offset bytes. */
  if (self->offset > 0) {
    if (!g_seekable_seek (G_SEEKABLE (self->source), (goffset) self->offset,
            G_SEEK_SET, self->cancellable, &error)) {
      g_prefix_error (&error, "seeking in %s: ", self->path);
      fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
      return;
    }
    g_info ("content %s: resuming at byte %" G_GUINT64_FORMAT,
        self->content_name, self->offset);
    self->bytes = self->offset;
  }
  sender_read_next (self);
}

/* ---- receiver ----------------------------------------------------------- */

static void receiver_read_next (JaFtTransfer *self);
static void pump_run (JaFtTransfer *self, GAsyncReadyCallback callback);
static void receiver_pumped_cb (GObject *source, GAsyncResult *res,
    gpointer user_data);

static char *
hex (const JaFtHash *h)
{
  GString *s = g_string_sized_new (2 * h->len);

  for (guint i = 0; i < h->len; i++)
    g_string_append_printf (s, "%02x", h->digest[i]);
  return g_string_free (s, FALSE);
}

/* At least one expected value of an algorithm we computed. */
static gboolean
can_verify (JaFtTransfer *self)
{
  guint algos = ja_ft_writer_get_algos (self->writer);

  for (guint i = 0; i < self->expected.n; i++)
    if (self->expected.items[i].len > 0
        && (algos & JA_FT_HASH_BIT (self->expected.items[i].algo)) != 0)
      return TRUE;
  return FALSE;
}

static void
receiver_verify (JaFtTransfer *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *final = NULL;
  const JaFtHashList *got;
  const JaFtHash *sha;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (!can_verify (self)) {
    error = g_error_new_literal (JA_TRANSFER_ERROR,
        JA_TRANSFER_ERROR_HASH_MISMATCH,
        "no hash we can check: the file cannot be verified");
    writer_end (self, FALSE);
    fail_and_terminate (self, error, JA_JINGLE_REASON_MEDIA_ERROR);
    return;
  }
  final = ja_ft_writer_finish (self->writer, &self->expected, &error);
  if (final == NULL) {
    JaJingleReason reason = JA_JINGLE_REASON_MEDIA_ERROR;

    if (g_error_matches (error, JA_TRANSFER_ERROR,
            JA_TRANSFER_ERROR_HASH_MISMATCH)) {
      g_clear_error (&error);
      error = g_error_new (JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_HASH_MISMATCH,
          "hash mismatch: '%s' is not what was offered, nothing kept",
          self->file->name ? self->file->name : "file");
    } else if (error->domain != JA_TRANSFER_ERROR) {
      reason = JA_JINGLE_REASON_FAILED_APPLICATION;
    }
    /* A bytestream that ended early (a direct connection to a killed
     * sender) leaves a part worth resuming; wrong bytes do not. */
    writer_end (self, g_error_matches (error, JA_TRANSFER_ERROR,
            JA_TRANSFER_ERROR_INCOMPLETE));
    fail_and_terminate (self, error, reason);
    return;
  }
  self->writer_ended = TRUE;
  if (self->has_sidecar)
    ja_ft_sidecar_remove (self->dir, ja_ft_writer_get_part_name (self->writer));
  release_part (self);
  got = ja_ft_writer_get_hashes (self->writer);
  sha = got != NULL ? ja_ft_hash_list_find (got, JA_FT_HASH_SHA_256) : NULL;
  if (sha != NULL)
    self->sha256_hex = hex (sha);
  g_free (self->path);
  self->path = g_steal_pointer (&final);
  g_info ("content %s: verified, saved as %s", self->content_name,
      self->path);
  /* XEP-0234 §Received: tell the sender, then end our side with success. */
  if (self->session != NULL)
    ja_jingle_session_send_info (self->session,
        ja_ft_received_build (self->creator, self->content_name), NULL);
  conclude (self, self->path, NULL);
  if (self->content != NULL)
    ja_jingle_content_app_finished (self->content, JA_JINGLE_REASON_SUCCESS);
}

static gboolean
checksum_timeout_cb (gpointer user_data)
{
  verdict_timeout (user_data, "<checksum/>");
  return G_SOURCE_REMOVE;
}

static void
receiver_eof (JaFtTransfer *self)
{
  self->eof = TRUE;
  if (self->have_expected) {
    receiver_verify (self);
    return;
  }
  /* XEP-0234 §Checksum: the hash may follow the data. */
  g_debug ("content %s: waiting for a checksum", self->content_name);
  self->timer_id = g_timeout_add (JA_FT_CHECKSUM_TIMEOUT_MS,
      checksum_timeout_cb, self);
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  JaFtTransfer *self = user_data;
  gint64 quiet = g_get_monotonic_time () - last_activity (self);

  /* Another file of the session moved meanwhile: wait on. */
  if (quiet < (gint64) JA_FT_IDLE_TIMEOUT_MS * 1000) {
    self->timer_id = g_timeout_add (JA_FT_IDLE_TIMEOUT_MS - quiet / 1000,
        idle_timeout_cb, self);
    return G_SOURCE_REMOVE;
  }
  verdict_timeout (self, "data");
  return G_SOURCE_REMOVE;
}

static void
receiver_read_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaFtTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res,
      &error);

  if (self->stopped || self->done)
    return;
  if (n < 0) {
    g_prefix_error (&error, "receiving: ");
    fail_and_terminate (self, error, JA_JINGLE_REASON_CONNECTIVITY_ERROR);
    return;
  }
  g_clear_handle_id (&self->timer_id, g_source_remove);
  touch (self);
  if (n == 0) {
    receiver_eof (self);
    return;
  }
  if (!ja_ft_writer_write (self->writer, self->buf, (gsize) n, &error)) {
    fail_and_terminate (self, error, error->domain == JA_TRANSFER_ERROR
        ? JA_JINGLE_REASON_MEDIA_ERROR : JA_JINGLE_REASON_FAILED_APPLICATION);
    return;
  }
  self->bytes += (guint64) n;
  progress (self);
  receiver_read_next (self);
}

static void
receiver_read_next (JaFtTransfer *self)
{
  self->timer_id = g_timeout_add (JA_FT_IDLE_TIMEOUT_MS, idle_timeout_cb,
      self);
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream),
      self->buf, JA_FT_CHUNK_SIZE, G_PRIORITY_DEFAULT, self->cancellable,
      receiver_read_cb, g_object_ref (self));
}

static void
receiver_start (JaFtTransfer *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = ja_ft_name_sanitize (self->file->name);

  guint64 size = self->file->has_size ? self->file->size : JA_FT_SIZE_UNKNOWN;

  if (self->dir == NULL) {
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
        "no download directory");
  } else if (self->resume_part != NULL) {
    /* We answered with <range offset/>: continue the part (its prefix is
     * hashed again, so the whole file's hash is still checked). */
    self->writer = ja_ft_writer_resume (self->dir, name, self->resume_part,
        self->offset, ja_ft_file_get_named_algos (self->file), size, &error);
    self->has_sidecar = self->writer != NULL;
  } else {
    self->writer = ja_ft_writer_new (self->dir, name,
        ja_ft_file_get_named_algos (self->file), size, &error);
    if (self->writer != NULL && self->file->has_size) {
      const char *part = ja_ft_writer_get_part_name (self->writer);
      int dir_fd = ja_ft_dir_open (self->dir, NULL);

      if (dir_fd >= 0) {
        self->has_sidecar = reserve_part (self, self->dir, part)
            && ja_ft_sidecar_write (dir_fd, part, self->file);
        close (dir_fd);
      }
    }
  }
  if (self->writer == NULL) {
    if (self->resume_part != NULL)
      g_prefix_error (&error, "resuming: ");
    release_part (self);
    fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
    return;
  }
  self->bytes = self->offset;
  if (G_IS_SOCKET_CONNECTION (self->stream)) {
    self->pump = ja_ft_pump_new_receiver (g_socket_connection_get_socket (
            G_SOCKET_CONNECTION (self->stream)), self->writer);
    pump_run (self, receiver_pumped_cb);
    return;
  }
  receiver_read_next (self);
}

/* ---- the threaded data path (socket channels) --------------------------- */

/* How often the main context reads the pump's byte count. */
#define PUMP_TICK_MS 100

static gboolean
pump_tick_cb (gpointer user_data)
{
  JaFtTransfer *self = user_data;
  guint64 now_bytes = self->offset + ja_ft_pump_get_bytes (self->pump);
  gint64 now = g_get_monotonic_time ();

  if (now_bytes != self->bytes) {
    self->bytes = now_bytes;
    touch (self);
    progress (self);
  } else if (now - last_activity (self)
      >= (gint64) JA_FT_IDLE_TIMEOUT_MS * 1000) {
    /* The sender stalled, or the receiver stopped reading. */
    self->tick_id = 0;
    verdict_timeout (self, self->sender ? "reading of our bytes" : "data");
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/* The pump is back: the stream and the writer are ours again. FALSE when
 * the transfer stopped meanwhile (what it deferred is done now). */
static gboolean
pump_returned (JaFtTransfer *self)
{
  self->pump_running = FALSE;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->bytes = self->offset + ja_ft_pump_get_bytes (self->pump);
  self->last_io = g_get_monotonic_time ();
  if (self->writer_end_pending) {
    self->writer_end_pending = FALSE;
    writer_end (self, self->writer_end_keep);
  }
  if (!self->stopped && !self->done)
    return TRUE;
  if (self->stream != NULL && !g_io_stream_is_closed (self->stream))
    g_io_stream_close (self->stream, NULL, NULL);
  return FALSE;
}

static void
pump_run (JaFtTransfer *self, GAsyncReadyCallback callback)
{
  self->pump_running = TRUE;
  self->last_io = g_get_monotonic_time ();
  self->tick_id = g_timeout_add (PUMP_TICK_MS, pump_tick_cb, self);
  ja_ft_pump_run_async (self->pump, self->cancellable, callback,
      g_object_ref (self));
}

static void
sender_pumped_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaFtTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = ja_ft_pump_run_finish (self->pump, res, &error);

  if (!pump_returned (self))
    return;
  if (!ok) {
    g_prefix_error (&error, "sending %s: ", self->path);
    fail_and_terminate (self, error, JA_JINGLE_REASON_CONNECTIVITY_ERROR);
    return;
  }
  progress (self);
  self->sent_all = TRUE;
  release_slot (self);
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
      sender_closed_cb, g_object_ref (self));
}

/* Test hook (s5b-transport.h): JINGLE_AGENT_TEST_S5B_RATE=BYTES_PER_SECOND
 * slows the sender down, so that a test can interrupt it half-way. */
static void
set_test_rate (JaFtPump *pump)
{
  const char *rate = g_getenv ("JINGLE_AGENT_TEST_S5B_RATE");
  guint64 n;

  if (rate != NULL && g_ascii_string_to_unsigned (rate, 10, 1, G_MAXUINT64,
          &n, NULL)) {
    g_info ("test hook: sending at most %" G_GUINT64_FORMAT " bytes/s", n);
    ja_ft_pump_set_rate (pump, n);
  }
}

/* Sender on a socket: sendfile(2) in a thread. FALSE: not possible here
 * (the caller goes the GIO way). */
static gboolean
sender_start_pump (JaFtTransfer *self)
{
  g_autoptr (GError) error = NULL;
  GSocket *sock = g_socket_connection_get_socket (
      G_SOCKET_CONNECTION (self->stream));
  int fd = open (self->path, O_RDONLY | O_CLOEXEC);

  if (fd < 0) {
    int errsv = errno;

    error = g_error_new (G_IO_ERROR, g_io_error_from_errno (errsv),
        "cannot open %s: %s", self->path, g_strerror (errsv));
    fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
    return TRUE;
  }
  self->pump = ja_ft_pump_new_sender (sock, fd, self->offset,
      self->file->size - self->offset, self->corrupt_offset, &error);
  close (fd);
  if (self->pump == NULL) {
    fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
    return TRUE;
  }
  set_test_rate (self->pump);
  if (self->offset > 0)
    g_info ("content %s: resuming at byte %" G_GUINT64_FORMAT,
        self->content_name, self->offset);
  self->bytes = self->offset;
  pump_run (self, sender_pumped_cb);
  return TRUE;
}

static void
receiver_pumped_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaFtTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = ja_ft_pump_run_finish (self->pump, res, &error);

  if (!pump_returned (self))
    return;
  progress (self);
  if (!ok) {
    JaJingleReason reason = JA_JINGLE_REASON_CONNECTIVITY_ERROR;

    if (error->domain == JA_TRANSFER_ERROR)
      reason = JA_JINGLE_REASON_MEDIA_ERROR;
    else if (!ja_ft_pump_failed_on_socket (self->pump))
      reason = JA_JINGLE_REASON_FAILED_APPLICATION;
    else
      g_prefix_error (&error, "receiving: ");
    fail_and_terminate (self, error, reason);
    return;
  }
  receiver_eof (self);
}

/* ---- the application kind's side ---------------------------------------- */

static JaFtTransfer *
transfer_new (JaJingleContent *c, gboolean sender)
{
  JaFtTransfer *self = g_object_new (JA_TYPE_FT_TRANSFER, NULL);
  JaJingleSession *session = ja_jingle_content_get_session (c);

  self->sender = sender;
  self->content = c;
  self->content_name = g_strdup (ja_jingle_content_get_name (c));
  self->creator = ja_jingle_content_get_creator (c) == JA_JINGLE_ROLE_INITIATOR
      ? JA_FT_CREATOR_INITIATOR : JA_FT_CREATOR_RESPONDER;
  if (session != NULL) {
    self->session = session;
    g_object_add_weak_pointer (G_OBJECT (session),
        (gpointer *) &self->session);
    g_signal_connect_object (session, "terminated",
        G_CALLBACK (session_terminated_cb), self, 0);
    g_signal_connect_object (session, "notify::state",
        G_CALLBACK (session_state_cb), self, 0);
  }
  return self;
}

/* The sender's file: what it offers, or what answers a request. */
static void
fill_offer (JaFtTransfer *self, const JaFtOffer *offer)
{
  const char *corrupt = g_getenv ("JINGLE_AGENT_TEST_CORRUPT_OFFSET");
  guint64 off;

  g_free (self->path);
  self->path = g_strdup (offer->path);
  g_clear_pointer (&self->file, ja_ft_file_free);
  self->file = ja_ft_file_new ();
  self->file->name = offer->name != NULL ? g_strdup (offer->name)
      : g_path_get_basename (offer->path);
  self->file->has_size = TRUE;
  self->file->size = offer->size;
  if (offer->date != NULL)
    ja_ft_file_set_datetime (self->file, offer->date);
  self->file->media_type = g_strdup (offer->media_type);
  self->file->desc = g_strdup (offer->desc);
  if (offer->hashes != NULL)
    self->file->hashes = *offer->hashes;
  if (corrupt != NULL && g_ascii_string_to_unsigned (corrupt, 10, 0,
          G_MAXINT64, &off, NULL))
    self->corrupt_offset = (gint64) off;
}

JaFtTransfer *
ja_ft_transfer_new_sender (JaJingleContent *c, const JaFtOffer *offer,
    GError **error)
{
  JaFtTransfer *self;

  if (offer == NULL || offer->path == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "a file offer needs a path");
    return NULL;
  }
  self = transfer_new (c, TRUE);
  fill_offer (self, offer);
  return self;
}

void
ja_ft_transfer_serve (JaFtTransfer *self, const JaFtOffer *offer)
{
  g_return_if_fail (self->sender && self->request && !self->started);
  g_return_if_fail (offer != NULL && offer->path != NULL);
  fill_offer (self, offer);
}

/* The hash values of list become expected (and named, so the writer
 * computes them); keep_ours: a value we already expect is not replaced. */
static void
expect_hashes (JaFtTransfer *self, const JaFtHashList *list,
    gboolean keep_ours)
{
  for (guint i = 0; i < list->n; i++) {
    const JaFtHash *h = &list->items[i];

    if (h->len == 0)
      continue;
    if (keep_ours && ja_ft_hash_list_find (&self->expected, h->algo) != NULL)
      continue;
    ja_ft_hash_list_set (&self->expected, h);
    ja_ft_hash_list_set (&self->file->hashes, h);
    self->have_expected = TRUE;
  }
}

JaFtTransfer *
ja_ft_transfer_new_requester (JaJingleContent *c, const JaFtRequest *request,
    GError **error)
{
  JaFtTransfer *self;
  gboolean any_hash = FALSE;

  for (guint i = 0; request != NULL && request->hashes != NULL
      && i < request->hashes->n; i++)
    any_hash |= request->hashes->items[i].len > 0;
  if (request == NULL || (request->name == NULL && !any_hash)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "a file request needs a name or a hash");
    return NULL;
  }
  self = transfer_new (c, FALSE);
  self->request = TRUE;
  self->file = ja_ft_file_new ();
  self->file->name = g_strdup (request->name);
  if (request->hashes != NULL)
    expect_hashes (self, request->hashes, FALSE);
  return self;
}

JaFtTransfer *
ja_ft_transfer_new_requested (JaJingleContent *c, JaFtFile *selector)
{
  JaFtTransfer *self = transfer_new (c, TRUE);

  self->request = TRUE;
  self->file = selector;
  return self;
}

gboolean
ja_ft_transfer_take_answer (JaFtTransfer *self, const JaXmlNode *description,
    GError **error)
{
  g_autoptr (JaFtFile) answer = NULL;

  if (self->sender && !self->request) {
    /* The receiver's echo of our offer; a <range offset/> in it asks for
     * the rest of the file from there (XEP-0234 §Ranged Transfers). */
    answer = ja_ft_description_parse (description, error);
    if (answer == NULL)
      return FALSE;
    if (answer->range.present && !self->started) {
      guint64 off = answer->range.offset;

      if (off > self->file->size || (answer->range.has_length
              && answer->range.length != self->file->size - off)) {
        g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
            "the answer asks for a range we do not send (offset %"
            G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes; only the "
            "rest of the file)", off, self->file->size);
        return FALSE;
      }
      self->offset = off;
    }
    emit_accepted (self);
    return TRUE;
  }
  if (self->sender)
    return TRUE;
  answer = ja_ft_description_parse (description, error);
  if (answer == NULL)
    return FALSE;
  for (guint i = 0; i < answer->hashes.n; i++) {
    const JaFtHash *h = &answer->hashes.items[i];
    const JaFtHash *ours = ja_ft_hash_list_find (&self->expected, h->algo);

    if (h->len > 0 && ours != NULL && !ja_ft_hash_equal (h, ours)) {
      g_set_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_HASH_MISMATCH,
          "the answer describes another file (%s differs)",
          ja_ft_hash_algo_to_string (h->algo));
      return FALSE;
    }
  }
  /* The name we asked for wins; a request by hash takes the holder's. */
  if (self->file->name == NULL)
    self->file->name = g_steal_pointer (&answer->name);
  self->file->has_size = answer->has_size;
  self->file->size = answer->size;
  if (self->file->date == NULL && answer->date != NULL) {
    self->file->date = g_steal_pointer (&answer->date);
    self->file->datetime = g_steal_pointer (&answer->datetime);
  }
  if (self->file->media_type == NULL)
    self->file->media_type = g_steal_pointer (&answer->media_type);
  if (self->file->desc == NULL)
    self->file->desc = g_steal_pointer (&answer->desc);
  expect_hashes (self, &answer->hashes, TRUE);
  return TRUE;
}

JaFtTransfer *
ja_ft_transfer_new_receiver (JaJingleContent *c, JaFtFile *file)
{
  JaFtTransfer *self = transfer_new (c, FALSE);

  self->file = file;
  for (guint i = 0; i < file->hashes.n; i++) {
    if (file->hashes.items[i].len > 0) {
      ja_ft_hash_list_set (&self->expected, &file->hashes.items[i]);
      self->have_expected = TRUE;
    }
  }
  return self;
}

JaXmlNode *
ja_ft_transfer_build_description (JaFtTransfer *self)
{
  /* A receiver resuming answers with the range it wants. */
  if (!self->sender && self->offset > 0) {
    self->file->range.present = TRUE;
    self->file->range.offset = self->offset;
    self->file->range.has_length = FALSE;
  }
  return ja_ft_description_build (self->file);
}

void
ja_ft_transfer_start (JaFtTransfer *self, JaJingleChannel *channel)
{
  GIOStream *stream = ja_jingle_channel_get_stream (channel);
  JaJingleTransport *tp = self->content
      ? ja_jingle_content_get_transport (self->content) : NULL;

  if (self->started || self->done || stream == NULL)
    return;
  if (self->sender && self->path == NULL) {
    g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR,
        G_IO_ERROR_NOT_FOUND, "no file to send for this request");

    self->started = TRUE;
    fail_and_terminate (self, error, JA_JINGLE_REASON_FAILED_APPLICATION);
    return;
  }
  self->started = TRUE;
  self->stream = g_object_ref (stream);
  self->transport_ns = g_strdup (tp ? tp->kind->ns : NULL);
  if (!G_IS_SOCKET_CONNECTION (stream))
    self->buf = g_malloc (JA_FT_CHUNK_SIZE);
  self->t_start = g_get_monotonic_time ();
  if (!self->sender)
    receiver_start (self);
  else if (take_slot (self))
    sender_start (self);
}

void
ja_ft_transfer_stop (JaFtTransfer *self, JaJingleReason reason)
{
  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  release_slot (self);
  /* An unfinished bytestream is aborted (IBB: <close/> without waiting). */
  if (self->stream != NULL && !self->pump_running
      && !g_io_stream_is_closed (self->stream))
    g_io_stream_close (self->stream, NULL, NULL);
  /* The writer waits for the session's end, which tells whether the part
   * is worth keeping (session_terminated_cb); a part that cannot be resumed
   * goes now. */
  if (self->writer != NULL && (!self->has_sidecar || self->session == NULL
          || ja_jingle_session_get_state (self->session)
          != JA_JINGLE_STATE_ENDED))
    writer_end (self, FALSE);
}

gboolean
ja_ft_transfer_handle_session_info (JaFtTransfer *self,
    const JaXmlNode *payload, GError **error)
{
  g_autoptr (JaFtChecksum) sum = NULL;
  g_autofree char *name = NULL;
  JaFtCreator creator;

  if (g_strcmp0 (payload->ns, JA_NS_JINGLE_FT) != 0)
    goto unsupported;
  if (g_str_equal (payload->name, "received")) {
    if (!ja_ft_received_parse (payload, &creator, &name, error))
      return FALSE;
    if (name != NULL && !g_str_equal (name, self->content_name))
      goto unsupported;     /* another content's */
    g_debug ("content %s: the receiver has the file", self->content_name);
    /* Our file is verified there: with several files in the session the
     * session-terminate waits for the last one, so this is the verdict. */
    if (self->sender && self->sent_all && !self->stopped)
      conclude (self, self->path, NULL);
    return TRUE;
  }
  if (!g_str_equal (payload->name, "checksum"))
    goto unsupported;
  sum = ja_ft_checksum_parse (payload, error);
  if (sum == NULL)
    return FALSE;
  if (sum->name != NULL && !g_str_equal (sum->name, self->content_name))
    goto unsupported;
  if (self->sender)
    return TRUE;            /* nothing to check on our side */
  for (guint i = 0; i < sum->file->hashes.n; i++) {
    if (sum->file->hashes.items[i].len > 0) {
      ja_ft_hash_list_set (&self->expected, &sum->file->hashes.items[i]);
      self->have_expected = TRUE;
    }
  }
  if (self->eof && !self->done && !self->stopped && self->have_expected)
    receiver_verify (self);
  return TRUE;

unsupported:
  g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_INFO,
      "not this content's session-info");
  return FALSE;
}

void
ja_ft_transfer_detach (JaFtTransfer *self)
{
  self->content = NULL;
}

/* ---- getters ------------------------------------------------------------ */

gboolean
ja_ft_transfer_is_sender (JaFtTransfer *self)
{
  return self->sender;
}

gboolean
ja_ft_transfer_is_request (JaFtTransfer *self)
{
  return self->request;
}

const JaFtFile *
ja_ft_transfer_get_file (JaFtTransfer *self)
{
  return self->file;
}

JaJingleSession *
ja_ft_transfer_get_session (JaFtTransfer *self)
{
  return self->session;
}

void
ja_ft_transfer_set_download_dir (JaFtTransfer *self, const char *dir)
{
  g_free (self->dir);
  self->dir = g_strdup (dir);
}

const char *
ja_ft_transfer_get_path (JaFtTransfer *self)
{
  return self->path;
}

guint64
ja_ft_transfer_get_bytes (JaFtTransfer *self)
{
  return self->bytes;
}

double
ja_ft_transfer_get_seconds (JaFtTransfer *self)
{
  gint64 end = self->t_end ? self->t_end : g_get_monotonic_time ();

  if (self->t_start == 0)
    return 0.0;
  return (end - self->t_start) / (double) G_USEC_PER_SEC;
}

const char *
ja_ft_transfer_get_sha256_hex (JaFtTransfer *self)
{
  if (self->sha256_hex == NULL && self->sender) {
    const JaFtHash *h = ja_ft_hash_list_find (&self->file->hashes,
        JA_FT_HASH_SHA_256);

    if (h != NULL)
      self->sha256_hex = hex (h);
  }
  return self->sha256_hex;
}

const char *
ja_ft_transfer_get_transport_ns (JaFtTransfer *self)
{
  return self->transport_ns;
}

JaJingleContent *
ja_ft_transfer_get_content (JaFtTransfer *self)
{
  return self->content;
}

/* ---- GObject ------------------------------------------------------------ */

static void
ja_ft_transfer_dispose (GObject *object)
{
  JaFtTransfer *self = JA_FT_TRANSFER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->accepted_idle_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  /* Freed without the session's end (our own connection went, the engine
   * was dropped): a connection loss, so a resumable part stays. */
  if (self->writer != NULL)
    writer_end (self, TRUE);
  release_part (self);
  if (self->session != NULL) {
    g_object_remove_weak_pointer (G_OBJECT (self->session),
        (gpointer *) &self->session);
    self->session = NULL;
  }
  g_clear_object (&self->source);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->writer, ja_ft_writer_free);
  G_OBJECT_CLASS (ja_ft_transfer_parent_class)->dispose (object);
}

static void
ja_ft_transfer_finalize (GObject *object)
{
  JaFtTransfer *self = JA_FT_TRANSFER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->file, ja_ft_file_free);
  g_free (self->content_name);
  g_free (self->path);
  g_free (self->dir);
  g_free (self->transport_ns);
  g_free (self->buf);
  ja_ft_pump_free (self->pump);
  g_free (self->sha256_hex);
  g_free (self->resume_part);
  g_free (self->part_key);
  G_OBJECT_CLASS (ja_ft_transfer_parent_class)->finalize (object);
}

static void
ja_ft_transfer_class_init (JaFtTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ja_ft_transfer_dispose;
  object_class->finalize = ja_ft_transfer_finalize;
  signals[ACCEPTED] = g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64,
      G_TYPE_UINT64);
  signals[VERIFIED] = g_signal_new ("verified", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ja_ft_transfer_init (JaFtTransfer *self)
{
  self->cancellable = g_cancellable_new ();
  self->corrupt_offset = -1;
}
