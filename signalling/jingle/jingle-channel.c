/* jingle-channel.c — the channel a transport hands its application: a
 * GIOStream or a datagram vtable (see jingle-channel.h). */
#include "signalling/jingle/jingle-channel.h"

struct _JaJingleChannel {
  gint ref_count;
  JaJingleFlavor flavor;
  gboolean closed;
  GIOStream *stream;                 /* STREAMING (owned) */
  const JaJingleDatagramOps *ops;    /* DATAGRAM */
  gpointer impl;
  GDestroyNotify destroy;
  JaJingleDatagramReceiveFunc receive;
  gpointer receive_data;
};

JaJingleChannel *
ja_jingle_channel_new_stream (GIOStream *stream)
{
  JaJingleChannel *ch;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
  ch = g_new0 (JaJingleChannel, 1);
  ch->ref_count = 1;
  ch->flavor = JA_JINGLE_FLAVOR_STREAMING;
  ch->stream = g_object_ref (stream);
  return ch;
}

JaJingleChannel *
ja_jingle_channel_new_datagram (const JaJingleDatagramOps *ops, gpointer impl,
    GDestroyNotify destroy)
{
  JaJingleChannel *ch;

  g_return_val_if_fail (ops != NULL && ops->send != NULL, NULL);
  ch = g_new0 (JaJingleChannel, 1);
  ch->ref_count = 1;
  ch->flavor = JA_JINGLE_FLAVOR_DATAGRAM;
  ch->ops = ops;
  ch->impl = impl;
  ch->destroy = destroy;
  return ch;
}

JaJingleChannel *
ja_jingle_channel_ref (JaJingleChannel *channel)
{
  g_return_val_if_fail (channel != NULL, NULL);
  g_atomic_int_inc (&channel->ref_count);
  return channel;
}

void
ja_jingle_channel_unref (JaJingleChannel *channel)
{
  if (channel == NULL || !g_atomic_int_dec_and_test (&channel->ref_count))
    return;
  ja_jingle_channel_close (channel);
  g_clear_object (&channel->stream);
  if (channel->destroy != NULL)
    channel->destroy (channel->impl);
  g_free (channel);
}

JaJingleFlavor
ja_jingle_channel_get_flavor (JaJingleChannel *channel)
{
  return channel->flavor;
}

GIOStream *
ja_jingle_channel_get_stream (JaJingleChannel *channel)
{
  return channel->stream;
}

gboolean
ja_jingle_channel_send (JaJingleChannel *channel, guint component,
    GBytes *packet, GError **error)
{
  if (channel->flavor != JA_JINGLE_FLAVOR_DATAGRAM) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "not a datagram channel");
    return FALSE;
  }
  if (channel->closed) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "channel closed");
    return FALSE;
  }
  return channel->ops->send (channel->impl, component, packet, error);
}

void
ja_jingle_channel_set_receive_func (JaJingleChannel *channel,
    JaJingleDatagramReceiveFunc func, gpointer user_data)
{
  channel->receive = func;
  channel->receive_data = user_data;
}

void
ja_jingle_channel_set_demux (JaJingleChannel *channel,
    const JaJingleDemuxKeys *keys)
{
  g_return_if_fail (channel != NULL && keys != NULL);

  if (channel->flavor == JA_JINGLE_FLAVOR_DATAGRAM && !channel->closed
      && channel->ops->set_demux != NULL)
    channel->ops->set_demux (channel->impl, keys);
}

gboolean
ja_jingle_channel_set_media_thread (JaJingleChannel *channel,
    GMainContext *context)
{
  g_return_val_if_fail (channel != NULL, FALSE);

  /* Closed: the transport may be gone, and received nothing more. */
  if (channel->flavor != JA_JINGLE_FLAVOR_DATAGRAM || channel->closed
      || channel->ops->set_media_thread == NULL)
    return context == NULL;
  return channel->ops->set_media_thread (channel->impl, context);
}

void
ja_jingle_channel_deliver (JaJingleChannel *channel, guint component,
    GBytes *packet)
{
  if (!channel->closed && channel->receive != NULL)
    channel->receive (channel, component, packet, channel->receive_data);
}

void
ja_jingle_channel_close (JaJingleChannel *channel)
{
  if (channel->closed)
    return;
  channel->closed = TRUE;
  if (channel->ops != NULL && channel->ops->close != NULL)
    channel->ops->close (channel->impl);
}
