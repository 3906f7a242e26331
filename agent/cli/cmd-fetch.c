/* cmd-fetch.c — `jingle-agent fetch --from JID (--name NAME | --hash
 * sha-256:BASE64) --dir DIR`: request one file from a peer (XEP-0234
 * §Requesting a File: session-initiate with senders='responder' and a
 * <file/> selector, over XEP-0261 IBB) and store it in DIR exactly as
 * `receive` stores an offer (sanitised name, never replacing a file, the
 * hash checked: the one asked for, else the holder's). A bare JID is
 * resolved to a resource that does Jingle file transfer. SIGINT or SIGTERM
 * ends the session with <cancel/>.
 * Exit: 0 the file arrived verified, 5 declined, unreachable or not
 * available, 6 the transfer failed, 1 cancelled, 2 usage, 3/4
 * connection/auth. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <glib-unix.h>

#include "agent/ja-agent.h"
#include "plugins/file-transfer/ft-app.h"
#include "plugins/file-transfer/ft-error.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"

#define FIND_PEER_TIMEOUT_MS (10 * 1000)

typedef struct {
  JaCli *cli;
  JaXmppStream *stream;
  JaAgent *agent;
  char *from;
  char *peer;
  char *name;
  char *dir;
  JaFtHashList hashes;
  GCancellable *cancellable;
  JaJingleSession *session;
  JaFtTransfer *transfer;
  gboolean accepted;
  gboolean cancelled;
  gboolean finishing;
  int code;
} Fetch;

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *f = user_data;

  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  g_main_loop_quit (f->cli->loop);
}

static void
finish (Fetch *f)
{
  if (f->finishing)
    return;
  f->finishing = TRUE;
  f->cli->exit_code = f->code;
  ja_xmpp_stream_close_async (f->stream, closed_cb, f);
}

static gboolean
finish_idle_cb (gpointer user_data)
{
  finish (user_data);
  return G_SOURCE_REMOVE;
}

static void
set_code (Fetch *f, int code)
{
  if (f->code == JA_EXIT_OK)
    f->code = code;
}

static void
accepted_cb (JaFtTransfer *t, gpointer user_data)
{
  ((Fetch *) user_data)->accepted = TRUE;
}

static void
verified_cb (JaFtTransfer *t, const char *path, gpointer user_data)
{
  g_idle_add (finish_idle_cb, user_data);
}

static void
failed_cb (JaFtTransfer *t, const GError *error, gpointer user_data)
{
  Fetch *f = user_data;

  if (f->cancelled)
    set_code (f, JA_EXIT_FAILURE);
  else if (g_error_matches (error, JA_TRANSFER_ERROR,
          JA_TRANSFER_ERROR_DECLINED)
      || g_error_matches (error, JA_TRANSFER_ERROR,
          JA_TRANSFER_ERROR_NOT_AVAILABLE) || !f->accepted)
    set_code (f, JA_EXIT_DECLINED);
  else
    set_code (f, JA_EXIT_TRANSFER);
  g_idle_add (finish_idle_cb, f);
}

static void
request (Fetch *f)
{
  g_autoptr (GError) error = NULL;
  JaFtRequest req = { f->name, f->hashes.n > 0 ? &f->hashes : NULL };
  JaJingleAppOptions opts = { &req, JA_JINGLE_SENDERS_RESPONDER };
  JaJingleContent *content;

  f->session = ja_jingle_manager_new_session (ja_agent_get_manager (f->agent),
      f->peer, &error);
  content = f->session == NULL ? NULL : ja_jingle_session_add_content (
      f->session, "file", JA_NS_JINGLE_FT, JA_NS_JINGLE_IBB, &opts, &error);
  if (content == NULL) {
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (f, JA_EXIT_FAILURE);
    if (f->session != NULL)
      ja_jingle_session_terminate (f->session, JA_JINGLE_REASON_GENERAL_ERROR,
          NULL);
    finish (f);
    return;
  }
  f->transfer = g_object_ref (ja_ft_app_get_transfer (
          ja_jingle_content_get_app (content)));
  ja_ft_transfer_set_download_dir (f->transfer, f->dir);
  ja_cli_watch_transfer (f->cli, f->transfer, f->peer);
  g_signal_connect (f->transfer, "accepted", G_CALLBACK (accepted_cb), f);
  g_signal_connect (f->transfer, "verified", G_CALLBACK (verified_cb), f);
  g_signal_connect (f->transfer, "failed", G_CALLBACK (failed_cb), f);
  if (!ja_jingle_session_initiate (f->session, &error)) {
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (f, JA_EXIT_FAILURE);
    ja_jingle_session_terminate (f->session, JA_JINGLE_REASON_GENERAL_ERROR,
        NULL);
  }
}

static void
found_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *f = user_data;
  g_autoptr (GError) error = NULL;

  f->peer = ja_agent_find_peer_finish (JA_AGENT (source), res, &error);
  if (f->peer == NULL) {
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (f, f->cancelled ? JA_EXIT_FAILURE : JA_EXIT_DECLINED);
    finish (f);
    return;
  }
  g_info ("fetch: %s found at %s", f->from, f->peer);
  request (f);
}

static void start_request (Fetch *f);

/* Serverless --listen: the first peer that passes the certificate check
 * is asked for the file. */
static void
peer_ready_cb (JaXmppStream *stream, gboolean resumed, gpointer user_data)
{
  Fetch *f = user_data;

  g_signal_handlers_disconnect_by_func (stream, peer_ready_cb, f);
  start_request (f);
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *f = user_data;
  g_autoptr (GError) error = NULL;

  if (!ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res, &error)) {
    f->cli->exit_code = ja_cli_fail (f->cli, error);
    g_main_loop_quit (f->cli->loop);
    return;
  }
  if (ja_xmpp_stream_is_direct_listener (f->stream) && !f->cancelled) {
    ja_cli_say_listening (f->cli, f->stream);
    g_signal_connect (f->stream, "ready", G_CALLBACK (peer_ready_cb), f);
    return;
  }
  start_request (f);
}

static void
start_request (Fetch *f)
{
  g_autoptr (JaJid) jid = NULL;

  if (f->cancelled) {
    finish (f);
    return;
  }
  if (ja_xmpp_stream_is_direct (f->stream)) {
    /* Serverless: the peer named itself in its stream header. */
    ja_cli_say_peer (f->cli, "fetch", f->stream);
    g_free (f->from);
    f->from = g_strdup (ja_xmpp_stream_get_peer_jid (f->stream));
  }
  jid = ja_jid_parse (f->from, NULL);
  if (jid->resource != NULL) {
    f->peer = ja_jid_to_string (jid);
    request (f);
    return;
  }
  ja_agent_find_peer_async (f->agent, f->from, FIND_PEER_TIMEOUT_MS,
      f->cancellable, found_cb, f);
}

static void
stream_closed_cb (JaXmppStream *stream, const GError *error,
    gpointer user_data)
{
  Fetch *f = user_data;

  if (error == NULL || f->finishing)
    return;
  f->cli->exit_code = ja_cli_fail (f->cli, error);
  g_main_loop_quit (f->cli->loop);
}

static gboolean
signal_cb (gpointer user_data)
{
  Fetch *f = user_data;

  if (f->cancelled)
    return G_SOURCE_CONTINUE;
  f->cancelled = TRUE;
  set_code (f, JA_EXIT_FAILURE);
  fprintf (stderr, "jingle-agent: interrupted: cancelling the transfer\n");
  g_cancellable_cancel (f->cancellable);
  if (f->session != NULL
      && ja_jingle_session_get_state (f->session) != JA_JINGLE_STATE_ENDED)
    ja_jingle_session_terminate (f->session, JA_JINGLE_REASON_CANCEL,
        "cancelled by the requester");
  else if (ja_xmpp_stream_is_ready (f->stream))
    finish (f);
  else {
    f->cli->exit_code = f->code;     /* not connected (or no peer yet) */
    g_main_loop_quit (f->cli->loop);
  }
  return G_SOURCE_CONTINUE;
}

/* "sha-256:BASE64" (XEP-0300 algorithm names) into f->hashes. */
static gboolean
parse_hash (Fetch *f, const char *arg)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) parts = g_strsplit (arg, ":", 2);
  JaFtHashAlgo algo;

  if (g_strv_length (parts) != 2
      || !ja_ft_hash_algo_from_string (parts[0], &algo, &error)
      || !ja_ft_hash_set_base64 (&f->hashes.items[0], algo, parts[1],
          &error)) {
    fprintf (stderr, "jingle-agent fetch: --hash '%s': %s\n", arg,
        error != NULL ? error->message : "expected ALGO:BASE64");
    return FALSE;
  }
  f->hashes.n = 1;
  return TRUE;
}

/* Checks the arguments before anything connects; FALSE after saying why
 * on stderr (exit 2). */
static gboolean
check_args (Fetch *f, const char *hash, int argc, char **argv)
{
  g_autoptr (JaJid) from = NULL;

  if (argc > 1) {
    fprintf (stderr, "jingle-agent fetch: unexpected argument '%s'\n",
        argv[1]);
    return FALSE;
  }
  if (!ja_config_is_serverless (&f->cli->config) && (f->from == NULL
          || (from = ja_jid_parse (f->from, NULL)) == NULL
          || from->local == NULL)) {
    fprintf (stderr, "jingle-agent fetch: --from needs a JID (user@domain"
        "[/resource]), or --peer HOST:PORT for a serverless peer\n");
    return FALSE;
  }
  if (f->name == NULL && hash == NULL) {
    fprintf (stderr, "jingle-agent fetch: give --name, --hash or both\n");
    return FALSE;
  }
  if (f->name != NULL && (f->name[0] == '\0'
          || strlen (f->name) > JA_FT_MAX_NAME_BYTES
          || !g_utf8_validate (f->name, -1, NULL))) {
    fprintf (stderr, "jingle-agent fetch: --name must be 1 to %u bytes of "
        "UTF-8\n", JA_FT_MAX_NAME_BYTES);
    return FALSE;
  }
  if (hash != NULL && !parse_hash (f, hash))
    return FALSE;
  if (f->dir == NULL || !g_file_test (f->dir, G_FILE_TEST_IS_DIR)) {
    fprintf (stderr, "jingle-agent fetch: --dir needs an existing "
        "directory\n");
    return FALSE;
  }
  return TRUE;
}

/* Connects and runs the main loop until the file is in or refused. */
static int
run (Fetch *f)
{
  JaCli *cli = f->cli;
  g_autoptr (GError) error = NULL;
  guint sig_int, sig_term;

  if (!ja_cli_prepare (cli, &error)
      || (f->stream = ja_cli_new_stream (cli, &error)) == NULL)
    return ja_cli_fail (cli, error);
  f->agent = ja_agent_new (f->stream);
  f->cancellable = g_cancellable_new ();
  cli->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (f->stream, "closed", G_CALLBACK (stream_closed_cb), f);
  sig_int = g_unix_signal_add (SIGINT, signal_cb, f);
  sig_term = g_unix_signal_add (SIGTERM, signal_cb, f);
  ja_xmpp_stream_connect_async (f->stream, f->cancellable, connected_cb, f);
  g_main_loop_run (cli->loop);
  g_source_remove (sig_int);
  g_source_remove (sig_term);
  if (f->transfer != NULL)
    g_signal_handlers_disconnect_by_data (f->transfer, f);
  g_clear_object (&f->transfer);
  g_clear_object (&f->session);
  ja_agent_shutdown (f->agent);
  g_clear_object (&f->agent);
  g_signal_handlers_disconnect_by_data (f->stream, f);
  return cli->exit_code;
}

int
ja_cmd_fetch (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- request a file from a peer over Jingle");
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  JaCli cli = { 0 };
  Fetch f = { 0 };
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &f.from,
      "The holder: a full JID, or a bare JID to find its resource that "
      "does Jingle file transfer", "JID" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &f.name,
      "Request the file of this name", "NAME" },
    { "hash", 0, 0, G_OPTION_ARG_STRING, &hash,
      "Request the file with this hash (XEP-0300), e.g. sha-256:BASE64",
      "ALGO:BASE64" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &f.dir,
      "Save the file into DIR (must exist)", "DIR" },
    { NULL }
  };
  int code = JA_EXIT_USAGE;

  f.cli = &cli;   /* check_args reads the serverless options */
  g_option_context_add_main_entries (ctx, entries, NULL);
  ja_cli_add_common_options (&cli, ctx);
  g_option_context_set_summary (ctx,
      "Requests one file by name and/or hash (XEP-0234 'Requesting a File' "
      "over\nXEP-0261 IBB) from a peer running 'jingle-agent receive --serve' "
      "that\nallows us. It is saved under its sanitised name, never "
      "replacing one,\nonce its hash (XEP-0300) matches.\n\n"
      "Exit status: 0 the file arrived verified, 1 cancelled, 2 usage,\n"
      "3 connection or TLS failure, 4 authentication failure, 5 declined,\n"
      "unreachable or not available, 6 transfer failed, 8 serverless peer's\ncertificate changed.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent fetch: %s\n", error->message);
  } else if (check_args (&f, hash, argc, argv)) {
    code = run (&f);
  }
  g_clear_object (&f.stream);
  g_clear_object (&f.cancellable);
  g_free (f.from);
  g_free (f.name);
  g_free (f.dir);
  g_free (f.peer);
  ja_cli_clear (&cli);
  return code;
}
