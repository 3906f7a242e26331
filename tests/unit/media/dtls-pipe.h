/* dtls-pipe.h — two JaDtls endpoints joined by an in-memory datagram pipe on
 * one private GMainContext (pushed as thread-default while the pipe lives).
 * Datagrams are delivered from an idle source, never from inside the
 * sender's call, as a network would. Hooks drop the first datagrams of a
 * side or inject garbage between real ones. For the media unit tests. */
#pragma once

#include <glib.h>
#include "media/dtls.h"

G_BEGIN_DECLS

typedef struct _DtlsPipe DtlsPipe;

typedef struct {
  DtlsPipe *pipe;
  guint index;
  JaDtlsCert *cert;
  JaDtls *dtls;
  gboolean finished;
  JaSrtpKeys *keys;
  GError *error;
  guint n_sent;             /* datagrams sent by this end, dropped included */
  guint n_dropped;
  guint drop_first;         /* drop this end's first N datagrams */
  guint drop_ccs;           /* drop its first N ChangeCipherSpec datagrams */
  GPtrArray *sent;          /* of GBytes: every datagram this end sent */
} DtlsPipeEnd;

struct _DtlsPipe {
  GMainContext *context;
  DtlsPipeEnd end[2];
  GQueue in_flight;         /* of PipeDatagram */
  GSource *deliver;
  guint garbage_per_datagram;   /* random datagrams fed before each real one */
  GRand *rand;
};

/* end[0] gets role0, end[1] the other role. Each end is told the other's
 * real fingerprint unless give_fingerprints is FALSE. */
DtlsPipe *dtls_pipe_new (JaDtlsRole role0, gboolean give_fingerprints);
void dtls_pipe_free (DtlsPipe *pipe);
/* Iterates the pipe's context until both ends finished or timeout_ms
 * passed; TRUE when both finished. */
gboolean dtls_pipe_run (DtlsPipe *pipe, guint timeout_ms);
/* Iterates until end[i] finished (or timeout). */
gboolean dtls_pipe_run_end (DtlsPipe *pipe, guint i, guint timeout_ms);
/* Iterates the context for ms milliseconds. */
void dtls_pipe_spin (DtlsPipe *pipe, guint ms);

G_END_DECLS
