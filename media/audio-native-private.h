/* audio-native-private.h — what the two files of the native audio engine
 * share: audio-native.c (the media thread, events to the creator's
 * context, configuration, the send side, RTCP reports, the public API) and
 * audio-native-rx.c (receive: RTP/RTCP parsing, statistics, RFC 4733
 * digits, the jitter buffer, decoding, concealment, the recorder). */
#pragma once

#include <opus.h>

#include "media/audio-native.h"
#include "media/media-audio-private.h"
#include "media/media-events.h"
#include "media/rtp-event.h"
#include "media/rtp-packet.h"
#include "media/wav-file.h"

G_BEGIN_DECLS

#define MIX_RATE 48000               /* decoded audio, as the GStreamer engine */
#define MIX_FRAME (MIX_RATE / 50)    /* 960: 20 ms */
#define OPUS_MAX_FRAME 5760          /* 120 ms at 48 kHz */
#define FIFO_CAP (OPUS_MAX_FRAME + 2 * MIX_FRAME)
#define MAX_PAYLOAD 1500
#define JB_MAX_PACKETS 5             /* beyond this, skip ahead */
#define JB_RESTART_BEHIND 50         /* packets: a restarted sequence */
#define JB_MAX_INBOUND 256           /* per tick; more is dropped */
#define PLC_MAX_FRAMES 5             /* then silence */
#define OUTBOX_MAX 4                 /* packets of one call in one tick */
#define TEST_AMPLITUDE 0.8           /* audiotestsrc's default volume */
/* Opus settings of the GStreamer engine (opusenc defaults with
 * audio-type=voice): 64 kbit/s constrained VBR, complexity 10, 20 ms,
 * fullband, no FEC, no DTX. */
#define OPUS_BITRATE 64000
#define OPUS_COMPLEXITY 10
/* RFC 4733 send timing: a digit is 100 ms of events, 60 ms gap; updates
 * every second tick (40 ms: RFC 4733 suggests 50 ms, we move on a 20 ms
 * tick), the end packet three times. */
#define DTMF_TONE_TICKS 5
#define DTMF_GAP_TICKS 3
#define DTMF_PAUSE_TICKS 25
#define DTMF_UPDATE_TICKS 2
#define DTMF_END_COPIES 3
/* RFC 3550 §6.2: the first report soon, then every 5 s (×0.5–1.5). */
#define RTCP_FIRST_US 1000000
#define RTCP_INTERVAL_US 5000000

typedef enum { CODEC_NONE, CODEC_OPUS, CODEC_PCMU, CODEC_PCMA } CodecKind;
typedef enum { SRC_TEST, SRC_SILENCE, SRC_FILE } SourceKind;
typedef enum { DTMF_IDLE, DTMF_TONE, DTMF_GAP, DTMF_PAUSE } DtmfState;

typedef struct {
  guint16 seq;
  guint32 ssrc;
  guint8 pt;
  gsize len;
  guint8 payload[]; /* len bytes */
} JbPacket;

/* RFC 3550 A.3/A.8 receive statistics of the peer's stream. */
typedef struct {
  gboolean have_seq;
  guint32 ssrc;
  guint16 max_seq;
  guint32 base_seq, cycles;
  guint32 received, expected_prior, received_prior;
  double jitter;
  gint64 transit;
  gboolean have_transit;
  guint32 sr_ntp_mid;
  gint64 sr_arrival_us; /* 0: no SR yet */
} RxStats;

struct _JaAudioNative {
  JaMediaAudioConfig config; /* strings owned (duplicated) */
  JaMediaAudioCallbacks cb;
  gpointer user_data;
  JaMediaAudio *owner;

  JaMediaEvents *events; /* to the creator's context */
  gboolean wake_pending; /* media thread: events queued this tick */

  /* Fixed after new(). */
  guint32 ssrc;
  char cname[32];
  CodecKind send_kind;
  guint send_rate, frame_samples, dtmf_rate;
  SourceKind source_kind;
  double freq;
  double osc_re, osc_im, rot_re, rot_im; /* the test sine as a phasor */
  double rot4_re, rot4_im;               /* four samples' turn */
  gint16 *file_pcm;
  gsize file_len;
  CodecKind recv_kind[128];

  /* Media thread (and start() before the call joins it). */
  guint8 outbox[OUTBOX_MAX][JA_RTP_HEADER_LEN + 32 + MAX_PAYLOAD];
  gsize outbox_len[OUTBOX_MAX]; /* sent in the tick's last phase */
  guint n_outbox;
  OpusEncoder *enc;
  gsize file_pos;
  gboolean source_done;
  guint16 seq;
  guint32 ts;
  gboolean marker_sent;
  guint64 payload_octets;
  gint64 next_rtcp_us;
  DtmfState dtmf_state;
  guint dtmf_ticks; /* in the current state */
  guint8 dtmf_event;
  guint32 dtmf_ts;
  guint dtmf_last_update, dtmf_ends;
  /* Playout: the media thread once jb_started (set under the lock). */
  OpusDecoder *dec;
  GQueue jb; /* JbPacket*, by sequence from play_seq */
  guint16 play_seq;
  guint32 jb_ssrc;
  gint16 fifo[FIFO_CAP];
  gsize fifo_len;
  gint16 last_g711; /* for 8 → 48 kHz interpolation */
  CodecKind last_kind;
  guint concealed; /* consecutive */
  guint underruns; /* consecutive ticks with nothing to play */
  JaWavWriter *recorder;
  gboolean started;
  GMainContext *media_context; /* its media thread's, once started */

  GMutex lock; /* guards the fields below */
  GPtrArray *inbound; /* JbPacket*, arrived since the last tick */
  JaMediaAudioSendFunc direct_send; /* nullable: see set_direct_send */
  gpointer direct_data;
  gboolean jb_started;
  gint muted;
  GString *dtmf_pending;
  guint64 packets_sent, bytes_sent;
  guint64 packets_received, bytes_received;
  guint64 dtmf_sent, dtmf_received;
  gint64 packets_lost, peer_packets_lost;
  int peer_level; /* RFC 6464, -1: none */
  RxStats rx;
  JaRtpEventReceiver rx_dtmf;

  /* kbps snapshot (get_stats, creator's thread). */
  JaRateWindow rates;
};

/* audio-native.c: queue an event for the creator's context (any thread;
 * from the media thread the wake-up waits for the end of the tick). */
void ja_audio_native_push_event (JaAudioNative *self, Event *ev);
void ja_audio_native_push_simple_event (JaAudioNative *self, EventType type);

/* audio-native-rx.c */
/* RFC 3550 A.3 report block about the peer's stream; locked. */
void ja_audio_native_fill_block (JaAudioNative *self, gint64 now,
                                 JaRtcpReportBlock *b);
/* The media thread's receive half of a tick: 20 ms to the recorder. */
void ja_audio_native_playout_tick (JaAudioNative *self);
void ja_audio_native_jb_clear (JaAudioNative *self);

G_END_DECLS
