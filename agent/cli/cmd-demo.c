/* cmd-demo.c — `jingle-agent demo`: two agents on this machine in
 * serverless mode (no XMPP server anywhere: direct TLS streams with each
 * agent's own certificate, pinned on first contact), a short secure audio
 * call between them with test tones and DTMF, then a file sent from one to
 * the other; a summary of both: call setup per phase, bitrate, loss, DTMF,
 * the file's size, MB/s, transport and verified hash. The agents are this
 * same binary run as `answer --listen` / `call --peer` and `receive
 * --listen` / `send --peer` with --json; everything stays on 127.0.0.1 and
 * in a temporary directory removed at the end (--keep keeps it).
 * Exit: 0 the call connected and ended normally and the file arrived
 * verified; 7 the call failed; 6 the transfer failed; 1 otherwise. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#define DEMO_DOMAIN "demo.local"
#define CHILD_TIMEOUT_S 60

typedef struct {
  char *exe;
  char *dir;
  gboolean json;
  int duration;
  int size_mib;
} Demo;

/* The value of "key" in one flat JSON event line of ours, as text (a
 * string's escapes are not undone: our values here need none). NULL when
 * absent. (transfer full) */
static char *
json_get (const char *line, const char *key)
{
  g_autofree char *pat = g_strdup_printf ("\"%s\":", key);
  const char *p = line != NULL ? strstr (line, pat) : NULL;
  const char *end;

  if (p == NULL)
    return NULL;
  p += strlen (pat);
  if (*p == '"') {
    p++;
    for (end = p; *end != '\0' && *end != '"'; end++)
      if (*end == '\\' && end[1] != '\0')
        end++;
    return g_strndup (p, end - p);
  }
  end = p + strcspn (p, ",}");
  return g_strndup (p, end - p);
}

static double
json_num (const char *line, const char *key)
{
  g_autofree char *v = json_get (line, key);

  return v != NULL ? g_ascii_strtod (v, NULL) : 0;
}

static gboolean
is_event (const char *line, const char *event)
{
  g_autofree char *e = json_get (line, "event");

  return g_strcmp0 (e, event) == 0;
}

typedef struct {
  GSubprocess *proc;
  GDataInputStream *out;
  GPtrArray *lines;            /* every stdout line read */
  char *name;
} Child;

static void
child_free (Child *c)
{
  if (c == NULL)
    return;
  if (c->proc != NULL && g_subprocess_get_identifier (c->proc) != NULL)
    g_subprocess_force_exit (c->proc);
  g_clear_object (&c->out);
  g_clear_object (&c->proc);
  g_ptr_array_unref (c->lines);
  g_free (c->name);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

/* Starts `exe ARGS...` as agent NAME: its own data directory (identity,
 * known peers), stderr into DIR/NAME.err, loopback-only candidates. */
static Child *
child_start (Demo *d, const char *name, const char *const *args,
    GError **error)
{
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *data = g_build_filename (d->dir, name, NULL);
  g_autofree char *err = g_strdup_printf ("%s/%s.err", d->dir, name);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  Child *c = g_new0 (Child, 1);

  g_subprocess_launcher_setenv (l, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (l, "JINGLE_AGENT_S5B_ADDRESSES", "127.0.0.1",
      TRUE);
  g_subprocess_launcher_set_stderr_file_path (l, err);
  g_ptr_array_add (argv, d->exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  c->name = g_strdup (name);
  c->lines = g_ptr_array_new_with_free_func (g_free);
  c->proc = g_subprocess_launcher_spawnv (l,
      (const char *const *) argv->pdata, error);
  if (c->proc == NULL) {
    child_free (c);
    return NULL;
  }
  c->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->proc));
  return c;
}

/* Reads lines until one is event (returned, borrowed) or EOF (NULL). */
static const char *
child_read_until (Child *c, const char *event)
{
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (c->out, NULL, NULL,
              NULL)) != NULL) {
    g_ptr_array_add (c->lines, line);
    if (event != NULL && is_event (line, event))
      return line;
  }
  return NULL;
}

static int
child_wait (Child *c)
{
  child_read_until (c, NULL);
  if (!g_subprocess_wait (c->proc, NULL, NULL))
    return -1;
  return g_subprocess_get_if_exited (c->proc)
      ? g_subprocess_get_exit_status (c->proc) : -1;
}

/* The last line of an event (borrowed), NULL when none. */
static const char *
last_event (Child *c, const char *event)
{
  for (guint i = c->lines->len; i > 0; i--)
    if (is_event (g_ptr_array_index (c->lines, i - 1), event))
      return g_ptr_array_index (c->lines, i - 1);
  return NULL;
}

static char *
digits_of (Child *c)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < c->lines->len; i++) {
    const char *l = g_ptr_array_index (c->lines, i);

    if (is_event (l, "dtmf")) {
      g_autofree char *dg = json_get (l, "digit");

      if (dg != NULL)
        g_string_append (s, dg);
    }
  }
  return g_string_free (s, FALSE);
}

static void
say (Demo *d, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
say (Demo *d, const char *fmt, ...)
{
  va_list ap;

  if (d->json)
    return;
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  fflush (stdout);
}

static void
show_err (Demo *d, const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.err", d->dir, name);
  g_autofree char *text = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL) && *text != '\0')
    fprintf (stderr, "--- %s (stderr) ---\n%s", name, text);
}

/* ---- the call ----------------------------------------------------------- */

static int
run_call (Demo *d, JaJsonEvent *summary)
{
  g_autofree char *dur = g_strdup_printf ("%d", d->duration);
  g_autofree char *rec_bob = g_build_filename (d->dir, "bob-heard.wav", NULL);
  const char *bob_args[] = { "answer", "--listen", "127.0.0.1:0", "--jid",
    "bob@" DEMO_DOMAIN, "--count", "1", "--ice-address", "127.0.0.1",
    "--audio", "test:660", "--record", rec_bob, "--json",
    "--stats-interval", "1", NULL };
  g_autoptr (Child) bob = NULL;
  g_autoptr (Child) alice = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *addr = NULL;
  g_autofree char *bob_digits = NULL;
  const char *l, *conn, *stats, *ended, *first;
  int arc, brc;

  say (d, "demo: 1. a call: bob answers on 127.0.0.1, alice calls him "
      "(no server; TLS with each agent's own certificate)\n");
  bob = child_start (d, "bob-call", bob_args, &error);
  if (bob == NULL || (l = child_read_until (bob, "listening")) == NULL) {
    fprintf (stderr, "jingle-agent demo: bob did not start listening%s%s\n",
        error ? ": " : "", error ? error->message : "");
    show_err (d, "bob-call");
    return JA_EXIT_MEDIA;
  }
  addr = json_get (l, "address");
  {
    const char *alice_args[] = { "call", "--peer", addr, "--jid",
      "alice@" DEMO_DOMAIN, "--duration", dur, "--ice-address", "127.0.0.1",
      "--audio", "test:440", "--dtmf", "1234#", "--json",
      "--stats-interval", "1", NULL };

    say (d, "  $ jingle-agent answer --listen %s --jid bob@" DEMO_DOMAIN
        " --audio test:660 ...\n  $ jingle-agent call --peer %s --jid alice@"
        DEMO_DOMAIN " --audio test:440 --duration %d --dtmf 1234#\n", addr,
        addr, d->duration);
    alice = child_start (d, "alice-call", alice_args, &error);
  }
  if (alice == NULL) {
    fprintf (stderr, "jingle-agent demo: %s\n", error->message);
    return JA_EXIT_MEDIA;
  }
  arc = child_wait (alice);
  brc = child_wait (bob);
  conn = last_event (alice, "connected");
  first = last_event (bob, "first-media");
  stats = last_event (alice, "stats");
  ended = last_event (alice, "ended");
  bob_digits = digits_of (bob);
  if (arc != 0 || brc != 0 || conn == NULL) {
    fprintf (stderr, "jingle-agent demo: the call failed (alice exit %d, "
        "bob exit %d)\n", arc, brc);
    show_err (d, "alice-call");
    show_err (d, "bob-call");
    return JA_EXIT_MEDIA;
  }
  ja_json_event_add_int (summary, "call_setup_ms", (gint64) json_num (conn,
          "setup_ms"));
  ja_json_event_add_int (summary, "call_signalling_ms", (gint64) json_num (
          conn, "signalling_ms"));
  ja_json_event_add_int (summary, "call_ice_ms", (gint64) json_num (conn,
          "ice_ms"));
  ja_json_event_add_int (summary, "call_dtls_ms", (gint64) json_num (conn,
          "dtls_ms"));
  ja_json_event_add_int (summary, "call_first_audio_ms", (gint64) json_num (
          first, "ms"));
  ja_json_event_add_double (summary, "call_send_kbps", json_num (stats,
          "send_kbps"));
  ja_json_event_add_int (summary, "call_packets_sent", (gint64) json_num (
          ended, "packets_sent"));
  ja_json_event_add_int (summary, "call_packets_lost", (gint64) json_num (
          last_event (bob, "ended"), "packets_lost"));
  ja_json_event_add_string (summary, "call_dtmf_heard", bob_digits);
  {
    g_autofree char *codec = json_get (conn, "codec");
    g_autofree char *srtp = json_get (conn, "srtp_profile");
    g_autofree char *pair = json_get (conn, "local_candidate");
    const char *bended = last_event (bob, "ended");
    double received = json_num (bended, "packets_received");
    double lost = json_num (bended, "packets_lost");

    ja_json_event_add_string (summary, "call_codec", codec);
    ja_json_event_add_string (summary, "call_srtp", srtp);
    say (d, "  call: connected in %.0f ms (signalling %.0f ms, ICE %.0f ms, "
        "DTLS %.0f ms), first audio at bob %.0f ms after the initiate\n"
        "  call: %s, %s, pair %s\n"
        "  call: %d s at %.1f kbit/s each way, bob received %.0f packets, "
        "lost %.0f (%.1f%%), heard DTMF \"%s\"\n",
        json_num (conn, "setup_ms"), json_num (conn, "signalling_ms"),
        json_num (conn, "ice_ms"), json_num (conn, "dtls_ms"),
        json_num (first, "ms"), codec, srtp, pair, d->duration,
        json_num (stats, "send_kbps"), received, lost,
        received + lost > 0 ? 100.0 * lost / (received + lost) : 0.0,
        bob_digits);
  }
  return JA_EXIT_OK;
}

/* ---- the file ----------------------------------------------------------- */

static gboolean
make_file (const char *path, int mib, GError **error)
{
  g_autoptr (GFile) f = g_file_new_for_path (path);
  g_autoptr (GFileOutputStream) out = g_file_replace (f, NULL, FALSE,
      G_FILE_CREATE_PRIVATE, NULL, error);
  guint8 *buf;
  gboolean ok = TRUE;
  GRand *r;

  if (out == NULL)
    return FALSE;
  buf = g_malloc (1 << 20);
  r = g_rand_new ();
  for (int i = 0; ok && i < mib; i++) {
    for (gsize j = 0; j < (1 << 20) / 4; j++)
      ((guint32 *) buf)[j] = g_rand_int (r);
    ok = g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, 1 << 20,
        NULL, NULL, error);
  }
  g_rand_free (r);
  g_free (buf);
  return ok && g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static int
run_file (Demo *d, JaJsonEvent *summary)
{
  g_autofree char *src = g_build_filename (d->dir, "demo.bin", NULL);
  g_autofree char *in = g_build_filename (d->dir, "in", NULL);
  const char *bob_args[] = { "receive", "--listen", "127.0.0.1:0", "--jid",
    "bob@" DEMO_DOMAIN, "--dir", in, "--count", "1", "--json", NULL };
  g_autoptr (Child) bob = NULL;
  g_autoptr (Child) alice = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *addr = NULL;
  const char *l, *v;
  int arc, brc;

  say (d, "demo: 2. a file: bob receives on 127.0.0.1, alice sends him %d MiB "
      "of random bytes\n", d->size_mib);
  if (g_mkdir_with_parents (in, 0700) != 0 || !make_file (src, d->size_mib,
          &error)) {
    fprintf (stderr, "jingle-agent demo: %s\n", error ? error->message
        : "cannot make the directory");
    return JA_EXIT_FAILURE;
  }
  bob = child_start (d, "bob-file", bob_args, &error);
  if (bob == NULL || (l = child_read_until (bob, "listening")) == NULL) {
    fprintf (stderr, "jingle-agent demo: bob did not start listening\n");
    show_err (d, "bob-file");
    return JA_EXIT_TRANSFER;
  }
  addr = json_get (l, "address");
  {
    const char *alice_args[] = { "send", "--peer", addr, "--jid",
      "alice@" DEMO_DOMAIN, "--json", src, NULL };

    say (d, "  $ jingle-agent receive --listen %s --jid bob@" DEMO_DOMAIN
        " --dir ... --count 1\n  $ jingle-agent send --peer %s --jid alice@"
        DEMO_DOMAIN " demo.bin\n", addr, addr);
    alice = child_start (d, "alice-file", alice_args, &error);
  }
  if (alice == NULL) {
    fprintf (stderr, "jingle-agent demo: %s\n", error->message);
    return JA_EXIT_TRANSFER;
  }
  arc = child_wait (alice);
  brc = child_wait (bob);
  v = last_event (bob, "verified");
  if (arc != 0 || brc != 0 || v == NULL) {
    fprintf (stderr, "jingle-agent demo: the transfer failed (alice exit %d, "
        "bob exit %d)\n", arc, brc);
    show_err (d, "alice-file");
    show_err (d, "bob-file");
    return JA_EXIT_TRANSFER;
  }
  {
    g_autofree char *tp = json_get (v, "transport");
    g_autofree char *sha = json_get (v, "sha256");

    ja_json_event_add_int (summary, "file_bytes", (gint64) json_num (v,
            "bytes"));
    ja_json_event_add_double (summary, "file_mbps", json_num (v, "mbps"));
    ja_json_event_add_string (summary, "file_transport", tp);
    ja_json_event_add_string (summary, "file_sha256", sha);
    say (d, "  file: %.0f bytes in %.3f s, %.1f MB/s over %s, SHA-256 %s "
        "verified by bob\n", json_num (v, "bytes"), json_num (v, "seconds"),
        json_num (v, "mbps"), tp, sha);
  }
  return JA_EXIT_OK;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *p = g_build_filename (path, name, NULL);

    if (g_file_test (p, G_FILE_TEST_IS_DIR)
        && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
      remove_tree (p);
    else
      g_unlink (p);
  }
  g_rmdir (path);
}

int
ja_cmd_demo (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- two agents on this machine, serverless: a call and a file");
  g_autoptr (GError) error = NULL;
  gboolean keep = FALSE;
  Demo d = { .duration = 3, .size_mib = 16 };
  GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_INT, &d.duration,
      "Length of the call in seconds (default 3)", "SECONDS" },
    { "size", 0, 0, G_OPTION_ARG_INT, &d.size_mib,
      "Size of the file in MiB (default 16)", "MIB" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &d.json,
      "One JSON summary line instead of text", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep,
      "Keep the temporary directory (recordings, logs, identities)", NULL },
    { NULL }
  };
  JaJsonEvent *summary;
  int code;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_summary (ctx, "Runs `answer`/`call` and `receive`/"
      "`send` of this binary between two agents\nwith no XMPP server "
      "(serverless TLS streams on 127.0.0.1) and prints a summary.\n\n"
      "Exit status: 0 both worked, 7 the call failed, 6 the transfer "
      "failed, 1 other.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent demo: %s\n", error->message);
    return JA_EXIT_USAGE;
  }
  if (argc > 1 || d.duration < 1 || d.duration > 600 || d.size_mib < 1
      || d.size_mib > 4096) {
    fprintf (stderr, "jingle-agent demo: --duration 1..600, --size 1..4096, "
        "no arguments\n");
    return JA_EXIT_USAGE;
  }
  d.exe = g_file_read_link ("/proc/self/exe", &error);
  d.dir = g_dir_make_tmp ("jingle-agent-demo-XXXXXX", &error);
  if (d.exe == NULL || d.dir == NULL) {
    fprintf (stderr, "jingle-agent demo: %s\n", error->message);
    g_free (d.exe);
    return JA_EXIT_FAILURE;
  }
  summary = ja_json_event_new ("demo");
  code = run_call (&d, summary);
  if (code == JA_EXIT_OK)
    code = run_file (&d, summary);
  ja_json_event_add_int (summary, "exit_code", code);
  if (d.json)
    ja_json_event_emit (summary);
  else {
    g_free (ja_json_event_finish (summary));
    printf ("demo: %s\n", code == JA_EXIT_OK ? "OK: the call connected and "
        "ended normally, the file arrived verified" : "FAILED");
  }
  if (keep)
    fprintf (stderr, "demo: kept %s\n", d.dir);
  else
    remove_tree (d.dir);
  g_free (d.dir);
  g_free (d.exe);
  return code;
}
