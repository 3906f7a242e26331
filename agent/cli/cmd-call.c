/* cmd-call.c — `jingle-agent call --to JID` and `jingle-agent answer`: a
 * secure audio call (XEP-0167 RTP over XEP-0176 ICE-UDP, DTLS-SRTP per
 * XEP-0320) placed to a full JID, or to a bare JID whose devices all ring
 * (XEP-0353); and the answering side, which takes calls from allowed
 * callers (our own account's other resources and --from JIDs), after
 * ringing --ring-ms if asked. Both print the phases, the candidate pair,
 * the SRTP profile, stats and the end (cli-call.c).
 * call: exits when the call ends: --duration seconds after it connected
 *   (we hang up), when the peer hangs up, or on SIGINT/SIGTERM (we hang
 *   up). --dtmf DIGITS are sent once audio flows.
 * answer: exits after --count calls ended (else on SIGINT/SIGTERM).
 * Exit: 0 the call(s) connected and ended normally, 5 declined or
 * unreachable, 7 media failure (ICE, DTLS, SRTP, codec), 1 other, 2 usage,
 * 3/4 connection/authentication. */
#include "agent/cli/cli-call.h"

#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <glib-unix.h>

#include "signalling/xmpp/jid.h"

#define DTMF_DELAY_MS 500

typedef struct {
  JaCli *cli;
  JaCliMedia media;
  JaXmppStream *stream;
  JaAgent *agent;
  GCancellable *cancellable;
  /* call */
  char *to;
  gboolean to_peer;            /* serverless: call whoever is the peer */
  gboolean no_bundle;
  int duration;
  char *dtmf;
  JaCall *call;
  guint duration_id;
  guint dtmf_id;
  /* answer */
  char **from;
  int count;
  int max_calls;
  int ring_ms;
  int answered;
  GPtrArray *calls;            /* JaCall*: live incoming calls */
  gboolean finishing;
  gboolean said_peer;
  int code;
} Run;

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Run *r = user_data;

  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  g_main_loop_quit (r->cli->loop);
}

static void
finish (Run *r)
{
  if (r->finishing)
    return;
  r->finishing = TRUE;
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
stream_closed_cb (JaXmppStream *stream, const GError *error,
    gpointer user_data)
{
  Run *r = user_data;

  if (error == NULL || r->finishing)
    return;
  r->cli->exit_code = ja_cli_fail (r->cli, error);
  g_main_loop_quit (r->cli->loop);
}

/* Worst first: media, declined, other. */
static void
merge_code (Run *r, int code)
{
  if (code == JA_EXIT_OK)
    return;
  if (r->code == JA_EXIT_OK || code == JA_EXIT_MEDIA)
    r->code = code;
}

/* ---- call --------------------------------------------------------------- */

static gboolean
is_jid (const char *text)
{
  g_autoptr (JaJid) jid = text != NULL ? ja_jid_parse (text, NULL) : NULL;

  return jid != NULL;
}

static gboolean
duration_cb (gpointer user_data)
{
  Run *r = user_data;

  r->duration_id = 0;
  ja_call_hangup (r->call);
  return G_SOURCE_REMOVE;
}

static gboolean
dtmf_cb (gpointer user_data)
{
  Run *r = user_data;
  g_autoptr (GError) error = NULL;

  r->dtmf_id = 0;
  if (!ja_call_send_dtmf (r->call, r->dtmf, &error))
    fprintf (stderr, "jingle-agent: --dtmf: %s\n", error->message);
  else if (!r->cli->json) {
    printf ("call: sent DTMF %s\n", r->dtmf);
    fflush (stdout);
  }
  return G_SOURCE_REMOVE;
}

static void
call_connected_cb (JaCall *call, gpointer user_data)
{
  Run *r = user_data;

  if (r->duration > 0)
    r->duration_id = g_timeout_add_seconds ((guint) r->duration, duration_cb,
        r);
}

static void
call_first_media_cb (JaCall *call, gpointer user_data)
{
  Run *r = user_data;

  if (r->dtmf != NULL && r->dtmf_id == 0)
    r->dtmf_id = g_timeout_add (DTMF_DELAY_MS, dtmf_cb, r);
}

static void
call_ended_cb (JaCall *call, guint reason, const char *text, gboolean by_peer,
    gpointer user_data)
{
  Run *r = user_data;

  g_clear_handle_id (&r->duration_id, g_source_remove);
  g_clear_handle_id (&r->dtmf_id, g_source_remove);
  merge_code (r, ja_cli_call_exit_code (call));
  g_idle_add (finish_idle_cb, r);
}

static void
place_call (Run *r)
{
  r->call = ja_call_new_outgoing (r->agent, r->to);
  ja_call_set_video (r->call, r->media.video != NULL);
  ja_call_set_bundle (r->call, !r->no_bundle);
  ja_cli_watch_call (r->cli, &r->media, r->call);
  g_signal_connect (r->call, "connected", G_CALLBACK (call_connected_cb), r);
  g_signal_connect (r->call, "first-media", G_CALLBACK (call_first_media_cb),
      r);
  g_signal_connect (r->call, "ended", G_CALLBACK (call_ended_cb), r);
  if (!r->cli->json) {
    printf ("call: calling %s\n", r->to);
    fflush (stdout);
  }
  ja_call_start (r->call);
}

/* ---- answer ------------------------------------------------------------- */

/* --max-calls, and with --count never more calls at once than are left
 * to count: the last one's end ends the run, and with it any other. */
static void
update_max_calls (Run *r)
{
  guint max = (guint) r->max_calls;

  if (r->count > 0) {
    guint left = r->answered < r->count ? (guint) (r->count - r->answered)
        : 0;

    if (left == 0) {
      ja_agent_set_call_answer (r->agent, FALSE, 0);   /* finishing */
      return;
    }
    max = max == 0 ? left : MIN (max, left);
  }
  ja_agent_set_max_calls (r->agent, max);
}

static void
incoming_ended_cb (JaCall *call, guint reason, const char *text,
    gboolean by_peer, gpointer user_data)
{
  Run *r = user_data;

  merge_code (r, ja_cli_call_exit_code (call));
  g_signal_handlers_disconnect_by_data (call, r);
  /* Not kept once ended: an answer that runs for months takes thousands
   * (the emission holds its own reference meanwhile). */
  g_ptr_array_remove (r->calls, call);
  r->answered++;
  update_max_calls (r);
  if (r->count > 0 && r->answered >= r->count)
    g_idle_add (finish_idle_cb, r);
}

static gboolean
hangup_incoming_cb (gpointer user_data)
{
  JaCall *call = user_data;

  ja_call_hangup (call);
  return G_SOURCE_REMOVE;
}

static void
incoming_connected_cb (JaCall *call, gpointer user_data)
{
  Run *r = user_data;

  if (r->duration > 0)
    g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (guint) r->duration,
        hangup_incoming_cb, g_object_ref (call), g_object_unref);
}

static void
call_incoming_cb (JaAgent *agent, JaCall *call, gpointer user_data)
{
  Run *r = user_data;

  if (r->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("incoming");

    ja_json_event_add_string (ev, "peer", ja_call_get_peer (call));
    ja_json_event_emit (ev);
  } else {
    printf ("answer: call from %s\n", ja_call_get_peer (call));
    fflush (stdout);
  }
  g_ptr_array_add (r->calls, g_object_ref (call));
  ja_cli_watch_call (r->cli, &r->media, call);
  g_signal_connect (call, "connected", G_CALLBACK (incoming_connected_cb), r);
  g_signal_connect (call, "ended", G_CALLBACK (incoming_ended_cb), r);
}

static void
call_note_cb (JaAgent *agent, const char *peer, const char *why,
    gpointer user_data, const char *event)
{
  Run *r = user_data;

  if (r->cli->json) {
    JaJsonEvent *ev = ja_json_event_new (event);

    ja_json_event_add_string (ev, "peer", peer);
    ja_json_event_add_string (ev, "reason", why);
    ja_json_event_emit (ev);
  } else {
    printf ("answer: %s call from %s: %s\n", event, peer, why);
    fflush (stdout);
  }
}

static void
call_declined_cb (JaAgent *agent, const char *peer, const char *why,
    gpointer user_data)
{
  call_note_cb (agent, peer, why, user_data, "declined");
}

static void
call_missed_cb (JaAgent *agent, const char *peer, const char *why,
    gpointer user_data)
{
  call_note_cb (agent, peer, why, user_data, "missed");
}

/* ---- serverless ---------------------------------------------------------- */

/* A peer that passed the certificate check (pinned, known or first
 * contact) may call, unless --from narrows it down; a caller on a
 * listener calls the peer once it is there. */
static void
stream_ready_cb (JaXmppStream *stream, gboolean resumed, gpointer user_data)
{
  Run *r = user_data;
  const char *peer = ja_xmpp_stream_get_peer_jid (stream);

  if (peer == NULL || r->finishing)
    return;
  if (!r->said_peer)
    ja_cli_say_peer (r->cli, r->to_peer ? "call" : "answer", stream);
  r->said_peer = TRUE;
  if (r->from == NULL && !ja_agent_is_allowed (r->agent, peer)) {
    g_autofree char *bare = ja_jid_string_to_bare (peer);

    ja_agent_allow (r->agent, bare);
  }
  if (r->to_peer && r->call == NULL) {
    g_free (r->to);
    r->to = g_strdup (peer);
    place_call (r);
  }
}

/* ---- both --------------------------------------------------------------- */

static void
ready (Run *r, const JaServerInfo *info)
{
  g_autoptr (GError) error = NULL;

  /* TURN over TLS trusts what the XMPP stream trusts unless --turn-ca. */
  r->media.default_ca = r->cli->config.ca_file;
  r->media.no_system_trust = r->cli->config.no_system_trust;
  if (!ja_cli_media_apply (&r->media, r->stream, info, &error)) {
    r->code = ja_cli_fail (r->cli, error);
    finish (r);
    return;
  }
  if (ja_xmpp_stream_is_direct_listener (r->stream))
    ja_cli_say_listening (r->cli, r->stream);
  if (r->to_peer) {
    /* Serverless: the peer named itself in its stream header (a listener
     * calls once a peer connects: stream_ready_cb). */
    if (!ja_xmpp_stream_is_direct_listener (r->stream))
      stream_ready_cb (r->stream, FALSE, r);
    return;
  }
  if (r->to != NULL) {
    place_call (r);
    return;
  }
  ja_agent_set_call_answer (r->agent, TRUE, (guint) r->ring_ms);
  update_max_calls (r);
  if (r->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("ready");

    ja_json_event_add_string (ev, "jid",
        ja_xmpp_stream_get_bound_jid (r->stream));
    ja_json_event_emit (ev);
  } else {
    printf ("answer: ready as %s\n", ja_xmpp_stream_get_bound_jid (r->stream));
    fflush (stdout);
  }
}

static void
discovered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Run *r = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaServerInfo) info = ja_xmpp_discover_server_finish (
      JA_XMPP_STREAM (source), res, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    g_info ("no server services: %s", error->message);
  ready (r, info);
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Run *r = user_data;
  g_autoptr (GError) error = NULL;

  if (!ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res, &error)) {
    r->cli->exit_code = ja_cli_fail (r->cli, error);
    g_main_loop_quit (r->cli->loop);
    return;
  }
  if (r->media.no_services || ja_xmpp_stream_is_direct (r->stream))
    ready (r, NULL);
  else
    ja_xmpp_discover_server_async (r->stream, r->cancellable, discovered_cb,
        r);
}

static gpointer
ref_call (gconstpointer call, gpointer unused)
{
  return g_object_ref ((gpointer) call);
}

static gboolean
signal_cb (gpointer user_data)
{
  Run *r = user_data;
  gboolean live = FALSE;

  if (r->finishing)
    return G_SOURCE_CONTINUE;
  if (r->call != NULL && !ja_call_is_ended (r->call)) {
    live = TRUE;
    ja_call_hangup (r->call);
  }
  if (r->calls != NULL) {
    /* A hang-up may end the call at once, and its end takes it out of
     * r->calls: walk a copy. */
    g_autoptr (GPtrArray) live_calls = g_ptr_array_copy (r->calls, ref_call,
        NULL);

    for (guint i = 0; i < live_calls->len; i++) {
      JaCall *c = g_ptr_array_index (live_calls, i);

      if (!ja_call_is_ended (c)) {
        live = TRUE;
        ja_call_hangup (c);
      }
    }
  }
  if (!live)
    finish (r);
  else if (r->to == NULL)
    g_idle_add (finish_idle_cb, r);
  return G_SOURCE_CONTINUE;
}

static int
run (Run *r)
{
  JaCli *cli = r->cli;
  g_autoptr (GError) error = NULL;
  guint sig_int, sig_term;

  if (!ja_cli_prepare (cli, &error)
      || !ja_cli_media_check_devices (&r->media, &error)
      || (r->stream = ja_cli_new_stream (cli, &error)) == NULL)
    return ja_cli_fail (cli, error);
  r->agent = ja_agent_new (r->stream);
  for (guint i = 0; r->from != NULL && r->from[i] != NULL; i++)
    ja_agent_allow (r->agent, r->from[i]);
  if (r->to != NULL) {
    g_autofree char *bare = ja_jid_string_to_bare (r->to);

    ja_agent_allow (r->agent, bare);   /* its answer to our presence */
  }
  ja_agent_set_answer_presence (r->agent, TRUE);
  g_signal_connect (r->agent, "call-incoming", G_CALLBACK (call_incoming_cb),
      r);
  g_signal_connect (r->agent, "call-declined", G_CALLBACK (call_declined_cb),
      r);
  g_signal_connect (r->agent, "call-missed", G_CALLBACK (call_missed_cb), r);
  cli->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (r->stream, "closed", G_CALLBACK (stream_closed_cb), r);
  if (ja_config_is_serverless (&cli->config))
    g_signal_connect (r->stream, "ready", G_CALLBACK (stream_ready_cb), r);
  sig_int = g_unix_signal_add (SIGINT, signal_cb, r);
  sig_term = g_unix_signal_add (SIGTERM, signal_cb, r);
  r->cancellable = g_cancellable_new ();
  ja_xmpp_stream_connect_async (r->stream, NULL, connected_cb, r);
  g_main_loop_run (cli->loop);
  g_cancellable_cancel (r->cancellable);
  g_source_remove (sig_int);
  g_source_remove (sig_term);
  g_clear_handle_id (&r->duration_id, g_source_remove);
  g_clear_handle_id (&r->dtmf_id, g_source_remove);
  if (r->call != NULL)
    g_signal_handlers_disconnect_by_data (r->call, r);
  for (guint i = 0; r->calls != NULL && i < r->calls->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (r->calls, i), r);
  g_clear_object (&r->call);
  if (r->calls != NULL)
    g_ptr_array_set_size (r->calls, 0);
  g_signal_handlers_disconnect_by_data (r->agent, r);
  ja_agent_shutdown (r->agent);
  g_clear_object (&r->agent);
  g_signal_handlers_disconnect_by_data (r->stream, r);
  return cli->exit_code;
}

static void
clear (Run *r)
{
  g_clear_object (&r->stream);
  g_clear_object (&r->cancellable);
  g_clear_pointer (&r->calls, g_ptr_array_unref);
  g_free (r->to);
  g_free (r->dtmf);
  g_strfreev (r->from);
  ja_cli_media_clear (&r->media);
}

static const char exit_text[] =
    "Exit status: 0 the call connected and ended normally, 2 usage,\n"
    "3 connection or TLS failure, 4 authentication failure, 5 declined or\n"
    "unreachable, 7 media failure (ICE, DTLS, SRTP or codec).";

int
ja_cmd_call (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- place a secure audio (and video) call (Jingle RTP, ICE, DTLS-SRTP)");
  g_autoptr (GError) error = NULL;
  JaCli cli = { 0 };
  Run r = { 0 };
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &r.to,
      "Call JID (a bare JID rings every device, XEP-0353)", "JID" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &r.duration,
      "Hang up SECONDS after the call connected (default: when the peer "
      "does, or on Ctrl-C)", "SECONDS" },
    { "no-bundle", 0, 0, G_OPTION_ARG_NONE, &r.no_bundle,
      "Do not offer XEP-0338 BUNDLE: each content on its own ICE transport",
      NULL },
    { "dtmf", 0, 0, G_OPTION_ARG_STRING, &r.dtmf,
      "Send DIGITS (0-9 * # A-D, ',' pauses) as RFC 4733 events once audio "
      "flows", "DIGITS" },
    { NULL }
  };
  int code = JA_EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  ja_cli_add_common_options (&cli, ctx);
  ja_cli_media_add_options (&r.media, ctx);
  g_option_context_set_summary (ctx, exit_text);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent call: %s\n", error->message);
  } else if (argc > 1) {
    fprintf (stderr, "jingle-agent call: unexpected argument '%s'\n",
        argv[1]);
  } else if (ja_config_is_serverless (&cli.config) && r.to == NULL) {
    r.to_peer = TRUE;            /* the peer we connect to / that connects */
    if (ja_cli_media_check (&r.media, "call")) {
      r.cli = &cli;
      code = run (&r);
    }
  } else if (!is_jid (r.to)) {
    fprintf (stderr, "jingle-agent call: --to needs a JID, or --peer/--listen "
        "for a serverless peer\n");
  } else if (r.duration < 0) {
    fprintf (stderr, "jingle-agent call: --duration cannot be negative\n");
  } else if (r.dtmf != NULL && strspn (r.dtmf, "0123456789*#ABCDabcd,")
      != strlen (r.dtmf)) {
    fprintf (stderr, "jingle-agent call: --dtmf takes 0-9 * # A-D and ','\n");
  } else if (ja_cli_media_check (&r.media, "call")) {
    r.cli = &cli;
    code = run (&r);
  }
  clear (&r);
  ja_cli_clear (&cli);
  return code;
}

int
ja_cmd_answer (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- answer calls from allowed callers");
  g_autoptr (GError) error = NULL;
  JaCli cli = { 0 };
  Run r = { 0 };
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING_ARRAY, &r.from,
      "Also take calls from JID (bare: any resource; repeatable)", "JID" },
    { "count", 0, 0, G_OPTION_ARG_INT, &r.count,
      "Exit after N calls ended (default: run until SIGINT/SIGTERM)", "N" },
    { "max-calls", 0, 0, G_OPTION_ARG_INT, &r.max_calls,
      "Take at most N calls at once; another caller hears busy (default: "
      "no limit, but never more than --count has left)", "N" },
    { "ring-ms", 0, 0, G_OPTION_ARG_INT, &r.ring_ms,
      "Ring this long before answering (default 0)", "MS" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &r.duration,
      "Hang up SECONDS after each call connected (default: the caller "
      "does)", "SECONDS" },
    { NULL }
  };
  int code = JA_EXIT_USAGE;
  gboolean ok = FALSE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  ja_cli_add_common_options (&cli, ctx);
  ja_cli_media_add_options (&r.media, ctx);
  g_option_context_set_summary (ctx, "Takes calls from this account's other "
      "resources and the --from JIDs;\ndeclines everyone else. "
      "Exit status: 0 every call connected and ended\nnormally, 2 usage, "
      "3/4 connection/authentication, 7 media failure.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent answer: %s\n", error->message);
  } else if (argc > 1) {
    fprintf (stderr, "jingle-agent answer: unexpected argument '%s'\n",
        argv[1]);
  } else if (r.count < 0 || r.max_calls < 0 || r.ring_ms < 0
             || r.duration < 0) {
    fprintf (stderr, "jingle-agent answer: --count, --max-calls, --ring-ms "
        "and --duration cannot be negative\n");
  } else {
    ok = TRUE;
    for (guint i = 0; r.from != NULL && r.from[i] != NULL; i++) {
      g_autoptr (JaJid) jid = ja_jid_parse (r.from[i], NULL);

      if (jid == NULL) {
        fprintf (stderr, "jingle-agent answer: --from '%s' is not a JID\n",
            r.from[i]);
        ok = FALSE;
      }
    }
  }
  if (ok && ja_cli_media_check (&r.media, "answer")) {
    r.cli = &cli;
    r.calls = g_ptr_array_new_with_free_func (g_object_unref);
    code = run (&r);
  }
  clear (&r);
  ja_cli_clear (&cli);
  return code;
}
