/* cli-transfer.c — what `send`, `receive` and `fetch` print about each
 * file (a request's name is the holder's once it answers): a
 * progress line per file on a terminal (bytes, rate, ETA), a summary line
 * otherwise, or one JSON event per line with --json (offered, accepted,
 * progress throttled, verified, failed; all but progress carry the Jingle
 * "sid", shared by the files of one send). Failures go to stderr in one
 * line. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <unistd.h>

#include "plugins/s5b/s5b-transport.h"
#include "signalling/jingle/jingle-content.h"
#include "signalling/xmpp/ns.h"

#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 2)

typedef struct {
  JaCli *cli;
  char *name;
  char *peer;
  char *sid;                  /* the session's: one send's files share it */
  gboolean sending;
  gboolean tty;
  gint64 last;
  gboolean line_open;
} Watch;

static void
watch_free (gpointer data, GClosure *closure)
{
  Watch *w = data;

  g_free (w->name);
  g_free (w->peer);
  g_free (w->sid);
  g_free (w);
}

static const char *
transport_name (JaFtTransfer *t)
{
  const char *ns = ja_ft_transfer_get_transport_ns (t);

  if (g_strcmp0 (ns, JA_NS_JINGLE_IBB) == 0)
    return "ibb";
  if (g_strcmp0 (ns, JA_NS_JINGLE_S5B) == 0)
    return "s5b";
  return ns;
}

/* The transport carrying the bytes and, for SOCKS5, the kind of
 * candidate in use. */
static void
add_transport (JaJsonEvent *ev, JaFtTransfer *t)
{
  JaJingleContent *c = ja_ft_transfer_get_content (t);
  JaJingleTransport *tp = c != NULL ? ja_jingle_content_get_transport (c)
      : NULL;
  const char *cand = tp != NULL ? ja_s5b_transport_get_candidate_type (tp)
      : NULL;

  if (transport_name (t) != NULL)
    ja_json_event_add_string (ev, "transport", transport_name (t));
  if (cand != NULL)
    ja_json_event_add_string (ev, "candidate", cand);
}

static void
end_line (Watch *w)
{
  if (w->line_open) {
    fputc ('\n', stdout);
    w->line_open = FALSE;
  }
}

/* A request's file is named by the holder's answer. */
static void
refresh_name (Watch *w, JaFtTransfer *t)
{
  const JaFtFile *file = ja_ft_transfer_get_file (t);

  if (file->name != NULL && g_strcmp0 (file->name, w->name) != 0) {
    g_free (w->name);
    w->name = g_strdup (file->name);
  }
}

static void
accepted_cb (JaFtTransfer *t, gpointer user_data)
{
  Watch *w = user_data;
  JaJsonEvent *ev;

  refresh_name (w, t);

  if (!w->cli->json)
    return;
  ev = ja_json_event_new ("accepted");
  ja_json_event_add_string (ev, "name", w->name);
  ja_json_event_add_string (ev, "peer", w->peer);
  ja_json_event_add_string (ev, "sid", w->sid);
  ja_json_event_add_int (ev, "resumed_from",
      (gint64) ja_ft_transfer_get_resumed_from (t));
  ja_json_event_emit (ev);
}

static void
progress_cb (JaFtTransfer *t, guint64 bytes, guint64 total, gpointer user_data)
{
  Watch *w = user_data;
  gint64 now = g_get_monotonic_time ();
  double secs = ja_ft_transfer_get_seconds (t);
  guint64 from = ja_ft_transfer_get_resumed_from (t);
  double rate = secs > 0 && bytes >= from ? (bytes - from) / secs : 0;

  refresh_name (w, t);
  if (now - w->last < PROGRESS_INTERVAL_US && bytes != total)
    return;
  w->last = now;
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("progress");

    ja_json_event_add_string (ev, "name", w->name);
    ja_json_event_add_int (ev, "bytes", (gint64) bytes);
    ja_json_event_add_int (ev, "total", (gint64) total);
    ja_json_event_add_double (ev, "mbps", rate / 1e6);
    add_transport (ev, t);
    ja_json_event_emit (ev);
    return;
  }
  if (!w->tty)
    return;
  printf ("\r%s: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " bytes "
      "(%.0f%%) %.2f MB/s ETA %.0f s", w->name, bytes, total,
      total ? 100.0 * bytes / total : 100.0, rate / 1e6,
      rate > 0 ? (total - bytes) / rate : 0.0);
  if (from > 0)
    printf (", resumed from %" G_GUINT64_FORMAT, from);
  printf ("   ");
  fflush (stdout);
  w->line_open = TRUE;
}

static void
verified_cb (JaFtTransfer *t, const char *path, gpointer user_data)
{
  Watch *w = user_data;
  double secs = ja_ft_transfer_get_seconds (t);
  guint64 bytes = ja_ft_transfer_get_bytes (t);
  guint64 from = ja_ft_transfer_get_resumed_from (t);
  /* The rate counts the bytes that crossed the wire. */
  double mbps = secs > 0 && bytes >= from ? (bytes - from) / secs / 1e6 : 0;
  const char *sha = ja_ft_transfer_get_sha256_hex (t);

  refresh_name (w, t);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("verified");

    ja_json_event_add_string (ev, "name", w->name);
    ja_json_event_add_string (ev, "peer", w->peer);
    ja_json_event_add_string (ev, "sid", w->sid);
    ja_json_event_add_string (ev, "path", path);
    ja_json_event_add_int (ev, "bytes", (gint64) bytes);
    ja_json_event_add_int (ev, "resumed_from", (gint64) from);
    /* Counted as the transport moved them: the rest after resumed_from. */
    ja_json_event_add_int (ev, "wire_bytes", (gint64) (bytes - from));
    ja_json_event_add_string (ev, "sha256", sha);
    ja_json_event_add_double (ev, "seconds", secs);
    ja_json_event_add_double (ev, "mbps", mbps);
    ja_json_event_add_string (ev, "transport", transport_name (t));
    ja_json_event_emit (ev);
    return;
  }
  end_line (w);
  printf ("%s %s %s %s: %" G_GUINT64_FORMAT " bytes in %.2f s (%.2f MB/s "
      "over %s), sha-256 %s, verified%s%s", w->sending ? "sent" : "received",
      w->name, w->sending ? "to" : "from", w->peer, bytes, secs, mbps,
      transport_name (t) ? transport_name (t) : "?", sha ? sha : "?",
      w->sending ? "" : ", saved as ", w->sending ? "" : path);
  if (from > 0)
    printf (" (resumed from byte %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
        " bytes on the wire)", from, bytes - from);
  printf ("\n");
  fflush (stdout);
}

static void
failed_cb (JaFtTransfer *t, const GError *error, gpointer user_data)
{
  Watch *w = user_data;

  end_line (w);
  fprintf (stderr, "jingle-agent: %s: %s\n", w->name, error->message);
  if (w->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("failed");

    ja_json_event_add_string (ev, "name", w->name);
    ja_json_event_add_string (ev, "peer", w->peer);
    ja_json_event_add_string (ev, "sid", w->sid);
    ja_json_event_add_string (ev, "reason", error->message);
    ja_json_event_emit (ev);
  }
}

void
ja_cli_watch_transfer (JaCli *cli, JaFtTransfer *t, const char *peer)
{
  const JaFtFile *file = ja_ft_transfer_get_file (t);
  JaJingleSession *session;
  Watch *w = g_new0 (Watch, 1);

  w->cli = cli;
  w->name = g_strdup (file->name ? file->name : "file");
  w->peer = g_strdup (peer);
  session = ja_ft_transfer_get_session (t);
  w->sid = session != NULL ? g_strdup (ja_jingle_session_get_sid (session))
      : NULL;
  w->sending = ja_ft_transfer_is_sender (t);
  w->tty = isatty (STDOUT_FILENO);
  w->last = g_get_monotonic_time ();
  if (ja_ft_transfer_is_request (t) && !w->sending) {
    /* We asked for it: nothing is offered yet. */
    if (cli->json) {
      JaJsonEvent *ev = ja_json_event_new ("requested");

      ja_json_event_add_string (ev, "name", w->name);
      ja_json_event_add_string (ev, "peer", peer);
      ja_json_event_emit (ev);
    } else {
      printf ("requesting %s from %s\n", file->name ? file->name
          : "a file by hash", peer);
      fflush (stdout);
    }
  } else if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("offered");

    ja_json_event_add_string (ev, "name", w->name);
    ja_json_event_add_string (ev, "peer", peer);
    ja_json_event_add_string (ev, "sid", w->sid);
    ja_json_event_add_string (ev, "direction", w->sending ? "send"
        : "receive");
    if (file->has_size)
      ja_json_event_add_int (ev, "size", (gint64) file->size);
    ja_json_event_emit (ev);
  } else if (!w->sending) {
    printf ("offer from %s: %s (%" G_GUINT64_FORMAT " bytes)\n", peer,
        w->name, file->has_size ? file->size : 0);
    fflush (stdout);
  }
  g_signal_connect (t, "accepted", G_CALLBACK (accepted_cb), w);
  g_signal_connect (t, "progress", G_CALLBACK (progress_cb), w);
  g_signal_connect (t, "failed", G_CALLBACK (failed_cb), w);
  g_signal_connect_data (t, "verified", G_CALLBACK (verified_cb), w,
      watch_free, 0);
}
