/* cmd-receive.c — `jingle-agent receive --dir DIR [--serve FILE...]`:
 * accept Jingle file transfers (XEP-0234 over XEP-0261 IBB) from allowed
 * senders into DIR, and hand the --serve files to allowed peers that
 * request them (XEP-0234 §Requesting a File; `jingle-agent fetch`); their
 * SHA-256 is computed before "ready".
 * Policy (JaAgent): our own account's other resources and the --from JIDs
 * may send (and request the --serve files); anyone else is declined
 * (session-terminate <decline/>; a request: <failed-application/>), and so
 * is a file over --max-size or over the free space in DIR, before a byte
 * moves.
 * A transfer cut off midway keeps NAME.part (unless the sender cancelled
 * it or the bytes were wrong); the next offer of the same file (name, size,
 * hash or date) is answered with XEP-0234 <range offset/> and only the
 * rest is sent, the whole file's hash still checked.
 * Allowed senders' directed presence is answered so that they find us.
 * SOCKS5 (XEP-0260): our answers carry direct candidates and, unless
 * --no-proxy, the server's proxy65 (discovered once after connecting,
 * before "ready"; XEP-0260 lets both parties offer proxies).
 * Exits after --count files (received or served), else on
 * SIGINT/SIGTERM.
 * Exit: 0 every accepted file arrived verified, 6 one failed (hash
 * mismatch, I/O error, cancelled by the peer), 1 a --serve file could not
 * be read, 2 usage, 3/4 connection. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <signal.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "agent/ja-agent.h"
#include "plugins/s5b/s5b-transport.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/services.h"

typedef struct {
  JaCli *cli;
  JaXmppStream *stream;
  JaAgent *agent;
  char *dir;
  char **from;
  char **serve;
  guint n_hashing;            /* --serve files still being hashed */
  gboolean connected;
  gboolean serve_failed;
  gboolean no_proxy;
  struct _Discovery *discovery;  /* the proxy65 lookup in flight, or NULL */
  GCancellable *cancellable;
  int count;
  gint64 max_size;
  int done;
  gboolean finishing;
  int code;
  GPtrArray *transfers;       /* JaFtTransfer*, the live ones */
} Receive;

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Receive *r = user_data;

  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  g_main_loop_quit (r->cli->loop);
}

static void
finish (Receive *r)
{
  if (r->finishing)
    return;
  r->finishing = TRUE;
  ja_agent_set_receive_dir (r->agent, NULL, 0);
  r->cli->exit_code = r->code;
  ja_xmpp_stream_close_async (r->stream, closed_cb, r);
}

static gboolean
finish_idle_cb (gpointer user_data)
{
  finish (user_data);
  return G_SOURCE_REMOVE;
}

static void
transfer_done (Receive *r, JaFtTransfer *t)
{
  g_ptr_array_remove (r->transfers, t);
  r->done++;
  if (r->count > 0 && r->done >= r->count)
    g_idle_add (finish_idle_cb, r);
}

static void
verified_cb (JaFtTransfer *t, const char *path, gpointer user_data)
{
  transfer_done (user_data, t);
}

static void
failed_cb (JaFtTransfer *t, const GError *error, gpointer user_data)
{
  Receive *r = user_data;

  if (r->code == JA_EXIT_OK)
    r->code = JA_EXIT_TRANSFER;
  transfer_done (r, t);
}

static void
declined_cb (JaAgent *agent, const char *peer, const char *why,
    gpointer user_data)
{
  Receive *r = user_data;

  if (r->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("declined");

    ja_json_event_add_string (ev, "peer", peer);
    ja_json_event_add_string (ev, "reason", why);
    ja_json_event_emit (ev);
  } else {
    printf ("declined a transfer with %s: %s\n", peer, why);
    fflush (stdout);
  }
}

static void
offered_cb (JaAgent *agent, JaFtTransfer *t, const char *peer,
    gpointer user_data)
{
  Receive *r = user_data;

  g_ptr_array_add (r->transfers, g_object_ref (t));
  ja_cli_watch_transfer (r->cli, t, peer);
  g_signal_connect (t, "verified", G_CALLBACK (verified_cb), r);
  g_signal_connect (t, "failed", G_CALLBACK (failed_cb), r);
}

/* "ready" once connected and every --serve file is hashed. */
static void
maybe_ready (Receive *r)
{
  const char *jid;
  guint n_serve = r->serve != NULL ? g_strv_length (r->serve) : 0;

  if (!r->connected || r->n_hashing > 0 || r->discovery != NULL
      || r->finishing)
    return;
  jid = ja_xmpp_stream_get_bound_jid (r->stream);
  if (ja_xmpp_stream_is_direct_listener (r->stream))
    ja_cli_say_listening (r->cli, r->stream);
  if (r->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("ready");

    ja_json_event_add_string (ev, "jid", jid);
    ja_json_event_add_string (ev, "dir", r->dir);
    if (n_serve > 0)
      ja_json_event_add_int (ev, "serving", n_serve);
    ja_json_event_emit (ev);
  } else {
    printf ("receive: ready as %s, saving into %s", jid, r->dir);
    if (n_serve > 0)
      printf (", serving %u file(s)", n_serve);
    printf ("\n");
    fflush (stdout);
  }
}

typedef struct {
  Receive *r;
  char *path;
} Hashing;

static void
hashed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Receive *r = ((Hashing *) user_data)->r;
  g_autofree char *path = ((Hashing *) user_data)->path;
  g_autoptr (GError) error = NULL;
  JaFtHashList hashes = { 0 };
  guint64 size = 0;

  g_free (user_data);
  r->n_hashing--;
  if (!ja_ft_hash_file_finish (res, &hashes, &size, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    fprintf (stderr, "jingle-agent: --serve %s: %s\n", path, error->message);
    r->code = JA_EXIT_FAILURE;
    r->serve_failed = TRUE;
    if (r->connected)
      finish (r);
    return;
  }
  ja_agent_serve_file (r->agent, path, NULL, size, &hashes);
  maybe_ready (r);
}

/* The server's proxy lookup; outlives the Receive when it is still in
 * flight at the end (r is then NULL). */
typedef struct _Discovery {
  Receive *r;
} Discovery;

/* The server's SOCKS5 proxies become our proxy candidates too; none (or
 * no answer) leaves direct candidates only. */
static void
discovered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Discovery *d = user_data;
  Receive *r = d->r;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaServerInfo) info = ja_xmpp_discover_server_finish (
      JA_XMPP_STREAM (source), res, &error);

  g_free (d);
  if (r == NULL)
    return;
  r->discovery = NULL;
  if (info != NULL) {
    g_info ("receive: %u SOCKS5 proxy(ies) on the server",
        info->proxies->len);
    ja_s5b_transport_set_proxies (r->stream, info->proxies);
  } else {
    g_info ("receive: no SOCKS5 proxy: %s", error->message);
  }
  maybe_ready (r);
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Receive *r = user_data;
  g_autoptr (GError) error = NULL;

  if (!ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res, &error)) {
    g_cancellable_cancel (r->cancellable);
    r->cli->exit_code = ja_cli_fail (r->cli, error);
    g_main_loop_quit (r->cli->loop);
    return;
  }
  r->connected = TRUE;
  if (r->serve_failed) {
    finish (r);
    return;
  }
  if (!r->no_proxy) {
    r->discovery = g_new0 (Discovery, 1);
    r->discovery->r = r;
    ja_xmpp_discover_server_async (r->stream, r->cancellable, discovered_cb,
        r->discovery);
  }
  maybe_ready (r);
}

/* Serverless: a peer that passed the certificate check (pinned, known
 * or first contact) may send and fetch, unless --from narrows it down. */
static void
stream_ready_cb (JaXmppStream *stream, gboolean resumed, gpointer user_data)
{
  Receive *r = user_data;
  const char *peer = ja_xmpp_stream_get_peer_jid (stream);

  if (peer == NULL)
    return;
  ja_cli_say_peer (r->cli, "receive", stream);
  if (r->from == NULL && !ja_agent_is_allowed (r->agent, peer)) {
    g_autoptr (JaJid) jid = ja_jid_parse (peer, NULL);
    g_autofree char *bare = jid ? ja_jid_to_bare (jid) : NULL;

    if (bare != NULL)
      ja_agent_allow (r->agent, bare);
  }
}

static void
stream_closed_cb (JaXmppStream *stream, const GError *error,
    gpointer user_data)
{
  Receive *r = user_data;

  if (error == NULL || r->finishing)
    return;
  r->cli->exit_code = ja_cli_fail (r->cli, error);
  g_main_loop_quit (r->cli->loop);
}

static gboolean
signal_cb (gpointer user_data)
{
  Receive *r = user_data;

  if (r->finishing)
    return G_SOURCE_CONTINUE;
  if (r->transfers->len > 0) {
    fprintf (stderr, "jingle-agent: interrupted: cancelling %u transfer(s)\n",
        r->transfers->len);
    r->code = JA_EXIT_TRANSFER;
  }
  while (r->transfers->len > 0) {
    g_autoptr (JaFtTransfer) t = g_object_ref (g_ptr_array_index (
            r->transfers, 0));
    JaJingleSession *session = ja_ft_transfer_get_session (t);

    g_ptr_array_remove_index (r->transfers, 0);
    if (session != NULL)
      ja_jingle_session_terminate (session, JA_JINGLE_REASON_CANCEL,
          "cancelled by the receiver");
  }
  finish (r);
  return G_SOURCE_CONTINUE;
}

/* Checks the arguments before anything connects; FALSE after saying why
 * on stderr (exit 2). */
static gboolean
check_args (Receive *r, int argc, char **argv)
{
  if (argc > 1) {
    fprintf (stderr, "jingle-agent receive: unexpected argument '%s'\n",
        argv[1]);
    return FALSE;
  }
  if (r->dir == NULL || !g_file_test (r->dir, G_FILE_TEST_IS_DIR)) {
    fprintf (stderr, "jingle-agent receive: --dir needs an existing "
        "directory\n");
    return FALSE;
  }
  if (r->count < 0 || r->max_size < 0) {
    fprintf (stderr, "jingle-agent receive: --count and --max-size cannot "
        "be negative\n");
    return FALSE;
  }
  for (guint i = 0; r->serve != NULL && r->serve[i] != NULL; i++) {
    if (!g_file_test (r->serve[i], G_FILE_TEST_IS_REGULAR)
        || g_access (r->serve[i], R_OK) != 0) {
      fprintf (stderr, "jingle-agent receive: --serve %s: not a readable "
          "file\n", r->serve[i]);
      return FALSE;
    }
  }
  for (guint i = 0; r->from != NULL && r->from[i] != NULL; i++) {
    g_autoptr (JaJid) jid = ja_jid_parse (r->from[i], NULL);

    if (jid == NULL) {
      fprintf (stderr, "jingle-agent receive: --from '%s' is not a JID\n",
          r->from[i]);
      return FALSE;
    }
  }
  return TRUE;
}

/* Connects and runs the main loop until --count transfers or a signal. */
static int
run (Receive *r)
{
  JaCli *cli = r->cli;
  g_autoptr (GError) error = NULL;
  guint sig_int, sig_term;

  if (!ja_cli_prepare (cli, &error)
      || (r->stream = ja_cli_new_stream (cli, &error)) == NULL)
    return ja_cli_fail (cli, error);
  r->agent = ja_agent_new (r->stream);
  if (ja_xmpp_stream_is_direct (r->stream)) {
    r->no_proxy = TRUE;     /* no server, so no proxy65 either */
    g_signal_connect (r->stream, "ready", G_CALLBACK (stream_ready_cb), r);
  }
  ja_s5b_transport_set_options (r->stream, FALSE, r->no_proxy, FALSE);
  for (guint i = 0; r->from != NULL && r->from[i] != NULL; i++)
    ja_agent_allow (r->agent, r->from[i]);
  ja_agent_set_answer_presence (r->agent, TRUE);
  ja_agent_set_receive_dir (r->agent, r->dir, (guint64) r->max_size);
  g_signal_connect (r->agent, "transfer-offered", G_CALLBACK (offered_cb), r);
  g_signal_connect (r->agent, "transfer-requested", G_CALLBACK (offered_cb),
      r);
  g_signal_connect (r->agent, "transfer-declined", G_CALLBACK (declined_cb),
      r);
  cli->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (r->stream, "closed", G_CALLBACK (stream_closed_cb), r);
  sig_int = g_unix_signal_add (SIGINT, signal_cb, r);
  sig_term = g_unix_signal_add (SIGTERM, signal_cb, r);
  r->cancellable = g_cancellable_new ();
  for (guint i = 0; r->serve != NULL && r->serve[i] != NULL; i++) {
    Hashing *h = g_new0 (Hashing, 1);

    h->r = r;
    h->path = g_strdup (r->serve[i]);
    r->n_hashing++;
    ja_ft_hash_file_async (r->serve[i], JA_FT_HASH_BIT (JA_FT_HASH_SHA_256),
        r->cancellable, NULL, NULL, hashed_cb, h);
  }
  ja_xmpp_stream_connect_async (r->stream, NULL, connected_cb, r);
  g_main_loop_run (cli->loop);
  g_cancellable_cancel (r->cancellable);
  while (r->n_hashing > 0)
    g_main_context_iteration (NULL, TRUE);
  if (r->discovery != NULL)
    r->discovery->r = NULL;       /* its callback frees it */
  g_source_remove (sig_int);
  g_source_remove (sig_term);
  for (guint i = 0; i < r->transfers->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (r->transfers, i),
        r);
  g_signal_handlers_disconnect_by_data (r->agent, r);
  ja_agent_shutdown (r->agent);
  g_clear_object (&r->agent);
  g_signal_handlers_disconnect_by_data (r->stream, r);
  return cli->exit_code;
}

int
ja_cmd_receive (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- accept files offered over Jingle into a directory");
  g_autoptr (GError) error = NULL;
  JaCli cli = { 0 };
  Receive r = { 0 };
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &r.dir,
      "Save files into DIR (must exist)", "DIR" },
    { "from", 0, 0, G_OPTION_ARG_STRING_ARRAY, &r.from,
      "Also accept files from JID (bare: any resource; repeatable)", "JID" },
    { "count", 0, 0, G_OPTION_ARG_INT, &r.count,
      "Exit after N files (default: run until SIGINT/SIGTERM)", "N" },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &r.max_size,
      "Decline files larger than BYTES", "BYTES" },
    { "serve", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &r.serve,
      "Hand FILE to allowed peers that request it by name or hash "
      "('jingle-agent fetch'; repeatable)", "FILE" },
    { "no-proxy", 0, 0, G_OPTION_ARG_NONE, &r.no_proxy,
      "SOCKS5: offer and use direct candidates only, not the server's "
      "proxy", NULL },
    { NULL }
  };
  int code = JA_EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  ja_cli_add_common_options (&cli, ctx);
  g_option_context_set_summary (ctx,
      "Accepts offers from this account's other resources and the --from "
      "JIDs;\ndeclines everyone else, and files over --max-size or the free "
      "space.\nA file is saved under its sanitised name, never replacing "
      "one,\nonce its hash (XEP-0300) matches. A transfer cut off midway keeps\n"
      "NAME.part; the next offer of the same file resumes it (XEP-0234\n"
      "'Ranged Transfers'). With --serve, allowed peers "
      "may also\nrequest those files (XEP-0234 'Requesting a File'); any "
      "other request is\nanswered 'file not available'.\n\n"
      "Exit status: 0 every file arrived verified, 2 usage, 3 connection "
      "or\nTLS failure, 4 authentication failure, 6 transfer failed, 8 serverless\npeer's certificate changed.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent receive: %s\n", error->message);
  } else if (check_args (&r, argc, argv)) {
    r.cli = &cli;
    r.transfers = g_ptr_array_new_with_free_func (g_object_unref);
    code = run (&r);
  }
  g_clear_object (&r.stream);
  g_clear_object (&r.cancellable);
  g_clear_pointer (&r.transfers, g_ptr_array_unref);
  g_strfreev (r.serve);
  g_free (r.dir);
  g_strfreev (r.from);
  ja_cli_clear (&cli);
  return code;
}
