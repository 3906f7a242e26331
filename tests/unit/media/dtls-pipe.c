/* dtls-pipe.c — see dtls-pipe.h. */
#include "dtls-pipe.h"

#include <string.h>

typedef struct {
  guint to;
  GBytes *data;
} PipeDatagram;

static void
datagram_free (PipeDatagram *d)
{
  g_bytes_unref (d->data);
  g_free (d);
}

static void
feed_garbage (DtlsPipe *pipe, DtlsPipeEnd *to)
{
  for (guint i = 0; i < pipe->garbage_per_datagram; i++) {
    guint8 buf[300];
    gsize len = (gsize) g_rand_int_range (pipe->rand, 13, sizeof buf);

    for (gsize j = 0; j < len; j++)
      buf[j] = (guint8) g_rand_int (pipe->rand);
    /* Mostly plausible record headers, so GnuTLS itself sees them. */
    buf[0] = (guint8) g_rand_int_range (pipe->rand, 20, 26);
    buf[1] = 0xfe;
    buf[2] = (i % 2) ? 0xfd : 0xff;
    buf[11] = (guint8) ((len - 13) >> 8);
    buf[12] = (guint8) (len - 13);
    ja_dtls_receive (to->dtls, buf, len);
  }
}

static gboolean
deliver_cb (gpointer data)
{
  DtlsPipe *pipe = data;
  PipeDatagram *d;

  g_clear_pointer (&pipe->deliver, g_source_unref);
  while ((d = g_queue_pop_head (&pipe->in_flight)) != NULL) {
    DtlsPipeEnd *to = &pipe->end[d->to];
    gsize len;
    const guint8 *bytes = g_bytes_get_data (d->data, &len);

    feed_garbage (pipe, to);
    ja_dtls_receive (to->dtls, bytes, len);
    datagram_free (d);
  }
  return G_SOURCE_REMOVE;
}

static gboolean
send_cb (const guint8 *data, gsize len, gpointer user_data)
{
  DtlsPipeEnd *end = user_data;
  DtlsPipe *pipe = end->pipe;
  PipeDatagram *d;

  end->n_sent++;
  g_ptr_array_add (end->sent, g_bytes_new (data, len));
  if (end->drop_ccs > 0 && len > 0 && data[0] == 20) {
    end->drop_ccs--;
    end->n_dropped++;
    return TRUE;
  }
  if (end->n_sent <= end->drop_first) {
    end->n_dropped++;
    return TRUE;                  /* lost on the wire */
  }
  d = g_new0 (PipeDatagram, 1);
  d->to = 1 - end->index;
  d->data = g_bytes_new (data, len);
  g_queue_push_tail (&pipe->in_flight, d);
  if (pipe->deliver == NULL) {
    pipe->deliver = g_idle_source_new ();
    g_source_set_callback (pipe->deliver, deliver_cb, pipe, NULL);
    g_source_attach (pipe->deliver, pipe->context);
  }
  return TRUE;
}

static void
done_cb (JaDtls *dtls, JaSrtpKeys *keys, const GError *error,
    gpointer user_data)
{
  DtlsPipeEnd *end = user_data;

  g_assert_true (end->dtls == dtls);
  g_assert_false (end->finished);
  g_assert_true ((keys == NULL) != (error == NULL));
  end->finished = TRUE;
  end->keys = keys;
  end->error = error ? g_error_copy (error) : NULL;
}

DtlsPipe *
dtls_pipe_new (JaDtlsRole role0, gboolean give_fingerprints)
{
  DtlsPipe *pipe = g_new0 (DtlsPipe, 1);
  g_autoptr (GError) error = NULL;

  pipe->context = g_main_context_new ();
  g_main_context_push_thread_default (pipe->context);
  g_queue_init (&pipe->in_flight);
  pipe->rand = g_rand_new_with_seed (5764);
  for (guint i = 0; i < 2; i++) {
    pipe->end[i].pipe = pipe;
    pipe->end[i].index = i;
    pipe->end[i].sent = g_ptr_array_new_with_free_func (
        (GDestroyNotify) g_bytes_unref);
    pipe->end[i].cert = ja_dtls_cert_load_or_create (NULL, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < 2; i++) {
    DtlsPipeEnd *end = &pipe->end[i];
    JaDtlsCert *peer = pipe->end[1 - i].cert;
    JaDtlsRole role = i == 0 ? role0
        : (role0 == JA_DTLS_ROLE_CLIENT ? JA_DTLS_ROLE_SERVER
            : JA_DTLS_ROLE_CLIENT);

    end->dtls = ja_dtls_new (end->cert, role,
        give_fingerprints ? ja_dtls_cert_get_hash_name (peer) : NULL,
        give_fingerprints ? ja_dtls_cert_get_fingerprint (peer) : NULL,
        send_cb, done_cb, end, &error);
    g_assert_no_error (error);
    g_assert_nonnull (end->dtls);
  }
  return pipe;
}

void
dtls_pipe_free (DtlsPipe *pipe)
{
  for (guint i = 0; i < 2; i++) {
    ja_dtls_free (pipe->end[i].dtls);
    ja_dtls_cert_unref (pipe->end[i].cert);
    ja_srtp_keys_free (pipe->end[i].keys);
    g_clear_error (&pipe->end[i].error);
    g_ptr_array_unref (pipe->end[i].sent);
  }
  if (pipe->deliver != NULL) {
    g_source_destroy (pipe->deliver);
    g_source_unref (pipe->deliver);
  }
  g_queue_clear_full (&pipe->in_flight, (GDestroyNotify) datagram_free);
  /* Let destroyed sources go before the context does. */
  while (g_main_context_iteration (pipe->context, FALSE))
    ;
  g_main_context_pop_thread_default (pipe->context);
  g_main_context_unref (pipe->context);
  g_rand_free (pipe->rand);
  g_free (pipe);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_until (DtlsPipe *pipe, gint end, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  GSource *timer = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timer, timeout_cb, &timed_out, NULL);
  g_source_attach (timer, pipe->context);
  for (;;) {
    gboolean done = end < 0
        ? pipe->end[0].finished && pipe->end[1].finished
        : pipe->end[end].finished;

    if (done || timed_out)
      break;
    g_main_context_iteration (pipe->context, TRUE);
  }
  g_source_destroy (timer);
  g_source_unref (timer);
  return !timed_out || (end < 0
      ? pipe->end[0].finished && pipe->end[1].finished
      : pipe->end[end].finished);
}

gboolean
dtls_pipe_run (DtlsPipe *pipe, guint timeout_ms)
{
  return run_until (pipe, -1, timeout_ms);
}

gboolean
dtls_pipe_run_end (DtlsPipe *pipe, guint i, guint timeout_ms)
{
  return run_until (pipe, (gint) i, timeout_ms);
}

void
dtls_pipe_spin (DtlsPipe *pipe, guint ms)
{
  gboolean timed_out = FALSE;
  GSource *timer = g_timeout_source_new (ms);

  g_source_set_callback (timer, timeout_cb, &timed_out, NULL);
  g_source_attach (timer, pipe->context);
  while (!timed_out)
    g_main_context_iteration (pipe->context, TRUE);
  g_source_unref (timer);
}
