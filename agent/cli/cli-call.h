/* cli-call.h — the media/ICE options and call output shared by `call` and
 * `answer` (cli-call.c). */
#pragma once

#include "agent/cli/cli.h"
#include "agent/ja-call.h"
#include "signalling/xmpp/services.h"

G_BEGIN_DECLS

typedef struct {
  char *audio;
  char *sink;
  char *record;
  char *stun;
  char *turn;
  char *turn_transport;
  char *turn_ca;               /* CAs for TURN over TLS (PEM) */
  const char *default_ca;      /* unowned: the XMPP --ca-file */
  gboolean no_system_trust;    /* as the XMPP --no-system-trust */
  char *turn_user;
  char *turn_password;
  char *dtls_cert;
  char **ice_addresses;
  char **codecs;
  char **video_codecs;
  char *video;                 /* call: offer video from this source */
  char *video_sink;
  char *record_video;
  char *snapshot;
  char *video_size;            /* WxH */
  char *media_engine;          /* auto, gstreamer, native */
  int video_fps;
  int video_kbps;
  gboolean relay_only;
  gboolean no_services;
  gboolean loopback;
  int stats_interval;
  int hold_after;              /* s after connected: hold for hold_for s */
  int mute_after;              /* s after connected: mute for mute_for s */
  int hold_for;
  int mute_for;
  int add_video_after;         /* content-add video S s after connected */
  int remove_video_after;      /* content-remove it S s after connected */
  int ice_restart_after;       /* restart ICE S s after connected */
} JaCliMedia;

void ja_cli_media_add_options (JaCliMedia *m, GOptionContext *ctx);
/* FALSE after saying why on stderr (usage). */
gboolean ja_cli_media_check (JaCliMedia *m, const char *cmd);
/* The device:NAME sources and sinks the options name are there now
 * (media-devices.h); else FALSE with JA_MEDIA_ERROR_NO_DEVICE, before
 * anything is sent: not a call that rings the peer and fails at once. */
gboolean ja_cli_media_check_devices (JaCliMedia *m, GError **error);
/* On a connected stream, with the server's services (nullable). */
gboolean ja_cli_media_apply (JaCliMedia *m, JaXmppStream *stream,
    const JaServerInfo *info, GError **error);
void ja_cli_media_clear (JaCliMedia *m);

/* Print what call does (until it is finalized). */
void ja_cli_watch_call (JaCli *cli, JaCliMedia *m, JaCall *call);
/* 0 connected and ended normally, 5 declined/unreachable, 7 media. */
int ja_cli_call_exit_code (JaCall *call);

int ja_cmd_call (int argc, char **argv);
int ja_cmd_answer (int argc, char **argv);

G_END_DECLS
