/* jingle-channel.h — what a transport hands its application once it is up
 * (XEP-0166 §8): for a streaming transport a GIOStream (s5b, ibb), for a
 * datagram transport a small vtable that sends per component plus a
 * receive callback (ice-udp, already DTLS-SRTP secured by media/). No media
 * types here. Refcounted; the content keeps one reference. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What kind of transport an application needs (XEP-0166 §8). */
typedef enum {
  JA_JINGLE_FLAVOR_DATAGRAM,
  JA_JINGLE_FLAVOR_STREAMING,
} JaJingleFlavor;

typedef struct _JaJingleChannel JaJingleChannel;

/* XEP-0338 BUNDLE: what tells one content's packets apart from the other
 * contents' on a shared datagram transport (RFC 8843 §9.2), as plain
 * numbers: the transport copies them. */
typedef struct {
  const char *mid;             /* nullable: the content name */
  guint8 mid_ext_id;           /* the peer's MID header-extension id; 0: none */
  const guint8 *pts;           /* 128 flags: the payload types it takes */
  const guint32 *ssrcs;        /* the peer's signalled SSRCs (XEP-0339) */
  guint n_ssrcs;
} JaJingleDemuxKeys;

/* Datagram channels: the transport's side. impl is the transport's own
 * pointer given at creation. */
typedef struct {
  gboolean (*send) (gpointer impl, guint component, GBytes *packet,
      GError **error);
  void (*close) (gpointer impl);   /* nullable */
  /* nullable: a transport that shares itself among contents routes by
   * these keys. */
  void (*set_demux) (gpointer impl, const JaJingleDemuxKeys *keys);
  /* nullable: see ja_jingle_channel_set_media_thread. */
  gboolean (*set_media_thread) (gpointer impl, GMainContext *context);
} JaJingleDatagramOps;

/* The application's receive callback on a datagram channel. */
typedef void (*JaJingleDatagramReceiveFunc) (JaJingleChannel *channel,
    guint component, GBytes *packet, gpointer user_data);

/* (transfer full) The channel takes a reference on stream. */
JaJingleChannel *ja_jingle_channel_new_stream (GIOStream *stream);
/* (transfer full) destroy (nullable) frees impl with the channel. */
JaJingleChannel *ja_jingle_channel_new_datagram (const JaJingleDatagramOps *ops,
    gpointer impl, GDestroyNotify destroy);

JaJingleChannel *ja_jingle_channel_ref (JaJingleChannel *channel);
void ja_jingle_channel_unref (JaJingleChannel *channel);

JaJingleFlavor ja_jingle_channel_get_flavor (JaJingleChannel *channel);
/* The stream of a streaming channel (transfer none), NULL otherwise. */
GIOStream *ja_jingle_channel_get_stream (JaJingleChannel *channel);

/* Datagram channels. send fails with G_IO_ERROR_NOT_SUPPORTED on a
 * streaming channel and G_IO_ERROR_CLOSED after close. */
gboolean ja_jingle_channel_send (JaJingleChannel *channel, guint component,
    GBytes *packet, GError **error);
void ja_jingle_channel_set_receive_func (JaJingleChannel *channel,
    JaJingleDatagramReceiveFunc func, gpointer user_data);
/* The application's demultiplexing keys (no-op for transports that are
 * not shared). */
void ja_jingle_channel_set_demux (JaJingleChannel *channel,
    const JaJingleDemuxKeys *keys);
/* Receive on one of the process's media threads (media/media-loop.h: one
 * poll per 20 ms tick for every call there), the one whose context is
 * `context`, instead of the creator's context: for an application whose
 * receive func is thread-safe. NULL context: back. FALSE when the
 * transport cannot (not supported, shared by a BUNDLE, not keyed): nothing
 * changes. Turning it off is synchronous: once it returns, the receive func
 * runs on the creator's context only. A transport may turn it off by
 * itself (a content joins its BUNDLE). Datagram send is thread-safe. */
gboolean ja_jingle_channel_set_media_thread (JaJingleChannel *channel,
    GMainContext *context);
/* Called by the transport for each packet it received. */
void ja_jingle_channel_deliver (JaJingleChannel *channel, guint component,
    GBytes *packet);
void ja_jingle_channel_close (JaJingleChannel *channel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaJingleChannel, ja_jingle_channel_unref)

G_END_DECLS
