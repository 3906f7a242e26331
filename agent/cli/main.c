/* main.c — the jingle-agent command: dispatch to a subcommand. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "agent/cli/cli.h"
#include "agent/cli/cli-call.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "check", ja_cmd_check,
    "connect, log in, and report TLS, SASL, the bound JID, server features, "
    "SOCKS5 proxies and STUN/TURN services" },
  { "send", ja_cmd_send,
    "offer files to a peer (Jingle file transfer, XEP-0234, over SOCKS5 "
    "with an IBB fallback)" },
  { "receive", ja_cmd_receive,
    "accept files from allowed peers into a directory (and, with --serve, "
    "hand files out on request)" },
  { "fetch", ja_cmd_fetch,
    "request a file by name or hash from a peer's 'receive --serve'" },
  { "call", ja_cmd_call,
    "place a secure audio (and video) call (Jingle RTP over ICE, DTLS-SRTP)" },
  { "answer", ja_cmd_answer,
    "answer calls from allowed callers" },
  { "devices", ja_cmd_devices,
    "list the microphones, speakers and cameras --audio/--sink/--video "
    "device:NAME can name" },
  { "demo", ja_cmd_demo,
    "two agents on this machine, no server: a call, then a file" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: jingle-agent COMMAND [OPTIONS]\n\n"
      "A headless Jingle agent (XMPP calls and file transfer).\n\n"
      "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'jingle-agent COMMAND --help' for a command's "
      "options.\nExit status: 0 success, 2 usage, 3 connection or TLS "
      "failure, 4 authentication failure, 5 peer declined or unreachable,\n"
      "6 transfer failed, 7 media failure (ICE, DTLS, SRTP or codec), 8 a serverless peer's\n"
      "certificate is not the one recorded or pinned.\n");
}

int
main (int argc, char **argv)
{
  /* A peer that goes away under a write (sendfile on a bytestream, a TLS
   * record to a server that reset) must give us EPIPE to report, not kill
   * the process. GIO's GSocket happens to do this too; do not rely on it. */
  signal (SIGPIPE, SIG_IGN);
  if (argc < 2) {
    usage (stderr);
    return JA_EXIT_USAGE;
  }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help")) {
    usage (stdout);
    return JA_EXIT_OK;
  }
  if (g_str_equal (argv[1], "--version")) {
    printf ("jingle-agent %s\n", JA_VERSION);
    return JA_EXIT_OK;
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (g_str_equal (argv[1], commands[i].name)) {
      g_set_prgname ("jingle-agent");
      return commands[i].run (argc - 1, argv + 1);
    }
  }
  fprintf (stderr, "jingle-agent: unknown command '%s'\n\n", argv[1]);
  usage (stderr);
  return JA_EXIT_USAGE;
}
