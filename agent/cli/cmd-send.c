/* cmd-send.c — `jingle-agent send --to JID FILE...`: offer the files in one
 * Jingle session (XEP-0166) with one file-transfer content per file
 * (XEP-0234 §Application Format: each <content/> is one file; named
 * "file-0", "file-1"..., senders='initiator'), the SHA-256 of XEP-0300
 * computed for every file before the offer, each over its own bytestream:
 * SOCKS5 (XEP-0260) then IBB (XEP-0261) with --transport auto, one of them
 * with s5b / ibb; at most --parallel of them send at once (the others wait
 * with their bytestream up); SOCKS5 only to a peer whose disco#info lists it (else
 * auto uses IBB, s5b exits 5). A bare JID is resolved to a resource that does
 * Jingle file transfer (ja_agent_find_peer_async). SIGINT or SIGTERM ends
 * the session with <cancel/>.
 * Exit: 0 every file verified by the receiver, 5 declined or unreachable,
 * 6 a transfer failed, 1 cancelled, 2 usage, 3/4 connection/auth. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "agent/ja-agent.h"
#include "plugins/file-transfer/ft-app.h"
#include "plugins/file-transfer/ft-error.h"
#include "plugins/s5b/s5b-transport.h"
#include "signalling/xmpp/services.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"

#define FIND_PEER_TIMEOUT_MS (10 * 1000)
/* Files sending at once (--parallel). */
#define DEFAULT_PARALLEL 3

typedef struct _Send Send;

/* One file: hashed before the session, then one content of it. */
typedef struct {
  Send *s;
  char *path;
  JaFtHashList hashes;
  guint64 size;
  JaFtTransfer *transfer;
  JaJingleContent *content;   /* borrowed from the session */
  gboolean transport_told;    /* the "transport" event went out */
  gboolean accepted;
  gboolean done;
} Item;

struct _Send {
  JaCli *cli;
  JaXmppStream *stream;
  JaAgent *agent;
  char *to;
  char *peer;
  char **files;
  char *name;
  guint next;                 /* the next file to hash */
  GPtrArray *items;           /* Item*: the files hashed, in order */
  guint n_live;               /* items offered and not yet concluded */
  GCancellable *cancellable;
  JaJingleSession *session;
  gboolean cancelled;
  gboolean finishing;
  int code;
  const char *transport_ns;   /* what each content offers first */
  gboolean s5b_only;          /* --transport s5b: no IBB fallback */
  gboolean no_direct;
  gboolean no_proxy;
  int parallel;               /* files sending at once */
  gboolean discovered;        /* the server's SOCKS5 proxies looked up */
  gboolean peer_checked;      /* the peer's disco#info looked at */
};

static void next_file (Send *s);

static void
item_free (gpointer data)
{
  Item *it = data;

  if (it->transfer != NULL) {
    g_signal_handlers_disconnect_by_data (it->transfer, it);
    g_object_unref (it->transfer);
  }
  g_free (it->path);
  g_free (it);
}

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Send *s = user_data;

  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  g_main_loop_quit (s->cli->loop);
}

static void
finish (Send *s)
{
  if (s->finishing)
    return;
  s->finishing = TRUE;
  s->cli->exit_code = s->code;
  ja_xmpp_stream_close_async (s->stream, closed_cb, s);
}

static gboolean
finish_idle_cb (gpointer user_data)
{
  finish (user_data);
  return G_SOURCE_REMOVE;
}

static void
set_code (Send *s, int code)
{
  if (s->code == JA_EXIT_OK)
    s->code = code;
}

/* One file concluded; the last one ends the run. */
static void
item_done (Item *it)
{
  Send *s = it->s;

  if (it->done)
    return;
  it->done = TRUE;
  if (--s->n_live == 0)
    g_idle_add (finish_idle_cb, s);
}

static void
accepted_cb (JaFtTransfer *t, gpointer user_data)
{
  ((Item *) user_data)->accepted = TRUE;
}

/* --json: the first bytes name the transport that carries them (and,
 * for SOCKS5, the kind of candidate). */
static void
progress_cb (JaFtTransfer *t, guint64 bytes, guint64 total,
    gpointer user_data)
{
  Item *it = user_data;
  JaJingleTransport *tp;
  JaJsonEvent *ev;
  const char *cand;

  if (it->transport_told || !it->s->cli->json || it->content == NULL
      || (tp = ja_jingle_content_get_transport (it->content)) == NULL)
    return;
  it->transport_told = TRUE;
  cand = ja_s5b_transport_get_candidate_type (tp);
  ev = ja_json_event_new ("transport");
  ja_json_event_add_string (ev, "name", ja_ft_transfer_get_file (t)->name);
  ja_json_event_add_string (ev, "transport",
      g_str_equal (tp->kind->ns, JA_NS_JINGLE_S5B) ? "s5b"
      : g_str_equal (tp->kind->ns, JA_NS_JINGLE_IBB) ? "ibb" : tp->kind->ns);
  if (cand != NULL)
    ja_json_event_add_string (ev, "candidate", cand);
  ja_json_event_emit (ev);
}

static void
verified_cb (JaFtTransfer *t, const char *path, gpointer user_data)
{
  item_done (user_data);
}

static void
failed_cb (JaFtTransfer *t, const GError *error, gpointer user_data)
{
  Item *it = user_data;
  Send *s = it->s;

  if (s->cancelled)
    set_code (s, JA_EXIT_FAILURE);
  else if (g_error_matches (error, JA_TRANSFER_ERROR,
          JA_TRANSFER_ERROR_DECLINED) || !it->accepted)
    set_code (s, JA_EXIT_DECLINED);
  else
    set_code (s, JA_EXIT_TRANSFER);
  item_done (it);
}

/* Every file is hashed: one session, one content per file, then the
 * session-initiate. */
static void
offer_all (Send *s)
{
  g_autoptr (GError) error = NULL;
  JaJingleManager *manager = ja_agent_get_manager (s->agent);

  if (s->items->len == 0) {
    finish (s);
    return;
  }
  s->session = ja_jingle_manager_new_session (manager, s->peer, &error);
  if (s->session != NULL)
    ja_ft_transfer_set_parallel (s->session, (guint) s->parallel);
  for (guint i = 0; s->session != NULL && i < s->items->len; i++) {
    Item *it = g_ptr_array_index (s->items, i);
    g_autoptr (GDateTime) date = NULL;
    g_autofree char *base = g_path_get_basename (it->path);
    g_autofree char *cname = g_strdup_printf ("file-%u", i);
    JaJingleContent *content;
    JaJingleAppOptions opts;
    JaFtOffer offer = { 0 };
    GStatBuf st;

    if (g_stat (it->path, &st) == 0)
      date = g_date_time_new_from_unix_utc (st.st_mtime);
    offer.path = it->path;
    offer.name = s->name != NULL ? s->name : base;
    offer.size = it->size;
    offer.date = date;
    offer.hashes = &it->hashes;
    opts.params = &offer;
    opts.senders = JA_JINGLE_SENDERS_INITIATOR;   /* XEP-0234: an offer */
    content = ja_jingle_session_add_content (s->session, cname,
        JA_NS_JINGLE_FT, s->transport_ns, &opts, &error);
    if (content == NULL) {
      g_prefix_error (&error, "%s: ", it->path);
      break;
    }
    it->transfer = g_object_ref (ja_ft_app_get_transfer (
            ja_jingle_content_get_app (content)));
    it->content = content;
  }
  if (error != NULL) {
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (s, JA_EXIT_FAILURE);
    if (s->session != NULL)
      ja_jingle_session_terminate (s->session, JA_JINGLE_REASON_GENERAL_ERROR,
          NULL);
    finish (s);
    return;
  }
  for (guint i = 0; i < s->items->len; i++) {
    Item *it = g_ptr_array_index (s->items, i);

    ja_cli_watch_transfer (s->cli, it->transfer, s->peer);
    g_signal_connect (it->transfer, "accepted", G_CALLBACK (accepted_cb), it);
    g_signal_connect (it->transfer, "verified", G_CALLBACK (verified_cb), it);
    g_signal_connect (it->transfer, "progress", G_CALLBACK (progress_cb), it);
    g_signal_connect (it->transfer, "failed", G_CALLBACK (failed_cb), it);
    s->n_live++;
  }
  g_info ("send: %u file(s) in session %s", s->items->len,
      ja_jingle_session_get_sid (s->session));
  if (!ja_jingle_session_initiate (s->session, &error)) {
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (s, JA_EXIT_FAILURE);
    ja_jingle_session_terminate (s->session, JA_JINGLE_REASON_GENERAL_ERROR,
        NULL);
  }
}

static void
hashed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Send *s = user_data;
  const char *path = s->files[s->next - 1];
  g_autoptr (GError) error = NULL;
  Item *it = g_new0 (Item, 1);

  it->s = s;
  it->path = g_strdup (path);
  if (!ja_ft_hash_file_finish (res, &it->hashes, &it->size, &error)) {
    item_free (it);
    if (s->cancelled) {
      finish (s);
      return;
    }
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (s, JA_EXIT_TRANSFER);
    next_file (s);
    return;
  }
  g_ptr_array_add (s->items, it);
  next_file (s);
}

/* The proxies the server offers become our SOCKS5 proxy candidates; none
 * (or no answer) leaves direct candidates only. */
static void
discovered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Send *s = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaServerInfo) info = ja_xmpp_discover_server_finish (
      JA_XMPP_STREAM (source), res, &error);

  s->discovered = TRUE;
  if (info != NULL) {
    g_info ("send: %u SOCKS5 proxy(ies) on the server", info->proxies->len);
    ja_s5b_transport_set_proxies (s->stream, info->proxies);
  } else if (!s->cancelled) {
    g_info ("send: no SOCKS5 proxy: %s", error->message);
  }
  next_file (s);
}

static gboolean
query_has_feature (const JaXmlNode *query, const char *var)
{
  for (guint i = 0; query != NULL && i < ja_xml_node_get_n_children (query);
       i++) {
    const JaXmlNode *c = ja_xml_node_get_child (query, i);

    if (ja_xml_node_is (c, "feature", JA_NS_DISCO_INFO)
        && g_strcmp0 (ja_xml_node_get_attr (c, "var"), var) == 0)
      return TRUE;
  }
  return FALSE;
}

/* The peer's disco#info: SOCKS5 is offered only to a peer that advertises
 * it; otherwise IBB (--transport auto) or exit 5 (--transport s5b). No
 * answer (bounded by the stream's IQ timeout) counts as not advertised. */
static void
peer_disco_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Send *s = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, &error);
  gboolean s5b;

  if (s->cancelled) {
    finish (s);
    return;
  }
  s->peer_checked = TRUE;
  s5b = reply != NULL && query_has_feature (ja_xml_node_find (reply, "query",
          JA_NS_DISCO_INFO), JA_NS_JINGLE_S5B);
  if (reply == NULL)
    g_info ("send: no disco#info from %s: %s", s->peer, error->message);
  if (!s5b) {
    if (s->s5b_only) {
      fprintf (stderr, "jingle-agent: %s does not advertise SOCKS5 "
          "bytestreams (%s)\n", s->peer, JA_NS_JINGLE_S5B);
      set_code (s, JA_EXIT_DECLINED);
      finish (s);
      return;
    }
    g_info ("send: %s does not advertise SOCKS5 bytestreams: IBB", s->peer);
    s->transport_ns = JA_NS_JINGLE_IBB;
  }
  next_file (s);
}

/* Hashes the files one after the other, then offers them all. */
static void
next_file (Send *s)
{
  if (s->cancelled) {
    finish (s);
    return;
  }
  if (s->files[s->next] == NULL) {
    if (g_str_equal (s->transport_ns, JA_NS_JINGLE_S5B) && !s->peer_checked) {
      JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);

      ja_xml_node_set_attr (iq, "type", "get");
      ja_xml_node_set_attr (iq, "to", s->peer);
      ja_xml_node_add_new (iq, "query", JA_NS_DISCO_INFO);
      ja_xmpp_stream_iq_async (s->stream, iq, s->cancellable, peer_disco_cb,
          s);
      return;
    }
    if (g_str_equal (s->transport_ns, JA_NS_JINGLE_S5B) && !s->no_proxy
        && !s->discovered) {
      ja_xmpp_discover_server_async (s->stream, s->cancellable,
          discovered_cb, s);
      return;
    }
    offer_all (s);
    return;
  }
  s->next++;
  ja_ft_hash_file_async (s->files[s->next - 1],
      JA_FT_HASH_BIT (JA_FT_HASH_SHA_256), s->cancellable, NULL, NULL,
      hashed_cb, s);
}

static void
found_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Send *s = user_data;
  g_autoptr (GError) error = NULL;

  s->peer = ja_agent_find_peer_finish (JA_AGENT (source), res, &error);
  if (s->peer == NULL) {
    fprintf (stderr, "jingle-agent: %s\n", error->message);
    set_code (s, s->cancelled ? JA_EXIT_FAILURE : JA_EXIT_DECLINED);
    finish (s);
    return;
  }
  g_info ("send: %s found at %s", s->to, s->peer);
  next_file (s);
}

static void start_offer (Send *s);

/* Serverless --listen: the first peer that passes the certificate check
 * gets the files. */
static void
peer_ready_cb (JaXmppStream *stream, gboolean resumed, gpointer user_data)
{
  Send *s = user_data;

  g_signal_handlers_disconnect_by_func (stream, peer_ready_cb, s);
  start_offer (s);
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Send *s = user_data;
  g_autoptr (GError) error = NULL;

  if (!ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res, &error)) {
    s->cli->exit_code = ja_cli_fail (s->cli, error);
    g_main_loop_quit (s->cli->loop);
    return;
  }
  if (ja_xmpp_stream_is_direct_listener (s->stream) && !s->cancelled) {
    ja_cli_say_listening (s->cli, s->stream);
    g_signal_connect (s->stream, "ready", G_CALLBACK (peer_ready_cb), s);
    return;
  }
  start_offer (s);
}

static void
start_offer (Send *s)
{
  g_autoptr (JaJid) jid = NULL;

  if (s->cancelled) {
    finish (s);
    return;
  }
  if (ja_xmpp_stream_is_direct (s->stream)) {
    /* Serverless: the peer named itself in its stream header. */
    ja_cli_say_peer (s->cli, "send", s->stream);
    g_free (s->to);
    s->to = g_strdup (ja_xmpp_stream_get_peer_jid (s->stream));
  }
  jid = ja_jid_parse (s->to, NULL);
  if (jid->resource != NULL) {
    s->peer = ja_jid_to_string (jid);
    next_file (s);
    return;
  }
  ja_agent_find_peer_async (s->agent, s->to, FIND_PEER_TIMEOUT_MS,
      s->cancellable, found_cb, s);
}

static void
stream_closed_cb (JaXmppStream *stream, const GError *error,
    gpointer user_data)
{
  Send *s = user_data;

  if (error == NULL || s->finishing)
    return;
  s->cli->exit_code = ja_cli_fail (s->cli, error);
  g_main_loop_quit (s->cli->loop);
}

static gboolean
signal_cb (gpointer user_data)
{
  Send *s = user_data;

  if (s->cancelled)
    return G_SOURCE_CONTINUE;
  s->cancelled = TRUE;
  set_code (s, JA_EXIT_FAILURE);
  fprintf (stderr, "jingle-agent: interrupted: cancelling the transfer\n");
  g_cancellable_cancel (s->cancellable);
  if (s->session != NULL
      && ja_jingle_session_get_state (s->session) != JA_JINGLE_STATE_ENDED)
    ja_jingle_session_terminate (s->session, JA_JINGLE_REASON_CANCEL,
        "cancelled by the sender");
  else if (ja_xmpp_stream_is_ready (s->stream))
    finish (s);
  else {
    s->cli->exit_code = s->code;     /* not connected (or no peer yet) */
    g_main_loop_quit (s->cli->loop);
  }
  return G_SOURCE_CONTINUE;
}

/* Checks the arguments before anything connects; FALSE after saying why
 * on stderr (exit 2). */
static gboolean
check_args (Send *s, const char *transport, int argc, char **argv)
{
  g_autoptr (JaJid) to = NULL;

  if (transport == NULL || g_str_equal (transport, "auto")) {
    s->transport_ns = JA_NS_JINGLE_S5B;     /* then IBB if it fails */
  } else if (g_str_equal (transport, "s5b")) {
    s->transport_ns = JA_NS_JINGLE_S5B;
    s->s5b_only = TRUE;
  } else if (g_str_equal (transport, "ibb")) {
    s->transport_ns = JA_NS_JINGLE_IBB;
  } else {
    fprintf (stderr, "jingle-agent send: unknown --transport '%s'\n",
        transport);
    return FALSE;
  }
  if (s->parallel < 1) {
    fprintf (stderr, "jingle-agent send: --parallel needs at least 1\n");
    return FALSE;
  }
  if (s->no_direct && s->no_proxy) {
    fprintf (stderr, "jingle-agent send: --no-direct and --no-proxy leave "
        "SOCKS5 nothing to use\n");
    return FALSE;
  }
  if (ja_config_is_serverless (&s->cli->config)) {
    if (s->no_direct) {
      fprintf (stderr, "jingle-agent send: serverless streams have no proxy: "
          "--no-direct leaves SOCKS5 nothing to use\n");
      return FALSE;
    }
    s->no_proxy = TRUE;     /* no server, so no proxy65 either */
  } else if (s->to == NULL || (to = ja_jid_parse (s->to, NULL)) == NULL
      || to->local == NULL) {
    fprintf (stderr, "jingle-agent send: --to needs a JID (user@domain"
        "[/resource]), or --peer HOST:PORT for a serverless peer\n");
    return FALSE;
  }
  if (argc < 2) {
    fprintf (stderr, "jingle-agent send: no FILE given\n");
    return FALSE;
  }
  for (int i = 1; i < argc; i++) {
    if (!g_file_test (argv[i], G_FILE_TEST_IS_REGULAR)
        || g_access (argv[i], R_OK) != 0) {
      fprintf (stderr, "jingle-agent send: %s: not a readable file\n",
          argv[i]);
      return FALSE;
    }
  }
  return TRUE;
}

/* Connects and runs the main loop until every file is done. */
static int
run (Send *s)
{
  JaCli *cli = s->cli;
  g_autoptr (GError) error = NULL;
  guint sig_int, sig_term;

  if (!ja_cli_prepare (cli, &error)
      || (s->stream = ja_cli_new_stream (cli, &error)) == NULL)
    return ja_cli_fail (cli, error);
  s->agent = ja_agent_new (s->stream);
  ja_s5b_transport_set_options (s->stream, s->no_direct, s->no_proxy,
      s->s5b_only);
  s->cancellable = g_cancellable_new ();
  cli->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (s->stream, "closed", G_CALLBACK (stream_closed_cb), s);
  sig_int = g_unix_signal_add (SIGINT, signal_cb, s);
  sig_term = g_unix_signal_add (SIGTERM, signal_cb, s);
  ja_xmpp_stream_connect_async (s->stream, s->cancellable, connected_cb, s);
  g_main_loop_run (cli->loop);
  g_source_remove (sig_int);
  g_source_remove (sig_term);
  g_ptr_array_set_size (s->items, 0);
  g_clear_object (&s->session);
  ja_agent_shutdown (s->agent);
  g_clear_object (&s->agent);
  g_signal_handlers_disconnect_by_data (s->stream, s);
  return cli->exit_code;
}

int
ja_cmd_send (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "FILE... - offer files to a peer over Jingle");
  g_autoptr (GError) error = NULL;
  g_autofree char *transport = NULL;
  JaCli cli = { 0 };
  Send s = { 0 };
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &s.to,
      "The receiver: a full JID, or a bare JID to find its resource that "
      "does Jingle file transfer", "JID" },
    { "transport", 0, 0, G_OPTION_ARG_STRING, &transport,
      "auto (the default: SOCKS5 bytestreams, then IBB if they fail), "
      "s5b (SOCKS5 only), or ibb", "auto|s5b|ibb" },
    { "no-direct", 0, 0, G_OPTION_ARG_NONE, &s.no_direct,
      "SOCKS5: no direct connections, only through the server's proxy",
      NULL },
    { "no-proxy", 0, 0, G_OPTION_ARG_NONE, &s.no_proxy,
      "SOCKS5: direct connections only, no proxy", NULL },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &s.parallel,
      "Send at most N of the files at once, each on its own bytestream "
      "(default " G_STRINGIFY (DEFAULT_PARALLEL) ")", "N" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &s.name,
      "Offer the file(s) under this name instead of the file's own",
      "NAME" },
    { NULL }
  };
  int code = JA_EXIT_USAGE;

  s.parallel = DEFAULT_PARALLEL;
  s.cli = &cli;   /* check_args reads the serverless options */
  g_option_context_add_main_entries (ctx, entries, NULL);
  ja_cli_add_common_options (&cli, ctx);
  g_option_context_set_summary (ctx,
      "The files go in one Jingle session, one content per file (XEP-0234\n"
      "over XEP-0260 SOCKS5 or XEP-0261 IBB), each SHA-256 offered up front; "
      "the\nreceiver checks it.\n\n"
      "Exit status: 0 every file arrived verified, 1 cancelled, 2 usage,\n"
      "3 connection or TLS failure, 4 authentication failure, 5 declined "
      "or\nunreachable, 6 transfer failed, 8 serverless peer's certificate changed.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent send: %s\n", error->message);
  } else if (check_args (&s, transport, argc, argv)) {
    s.files = g_new0 (char *, argc);
    for (int i = 1; i < argc; i++)
      s.files[i - 1] = g_strdup (argv[i]);
    s.items = g_ptr_array_new_with_free_func (item_free);
    s.cli = &cli;
    code = run (&s);
  }
  g_clear_object (&s.stream);
  g_clear_object (&s.cancellable);
  g_clear_pointer (&s.items, g_ptr_array_unref);
  g_strfreev (s.files);
  g_free (s.to);
  g_free (s.name);
  g_free (s.peer);
  ja_cli_clear (&cli);
  return code;
}
