/* media-loop.h — the process-wide media thread. Every 20 ms (absolute
 * deadlines on CLOCK_MONOTONIC) it first dispatches its own GMainContext
 * without blocking — the receive sockets of the calls that moved there, so
 * one poll per tick for all of them instead of one main-loop wake-up per
 * packet — then runs the clients' ticks (in phases, see below). It
 * sleeps between ticks and while it has no client; it is never joined.
 *
 * Whatever the media thread may touch is torn down under
 * ja_media_loop_lock(): while it is held no tick or dispatch runs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_MEDIA_LOOP_TICK_US 20000

/* A tick runs in phases: every client's phase 0, then every client's
 * phase 1, and so on. Doing the same kind of work for all calls in a row
 * (encode every frame, then decode every frame, then protect and send
 * every packet) keeps each library's code and tables in the caches, where
 * one call after the other through all of them would evict them. */
#define JA_MEDIA_LOOP_PHASES 3

typedef struct {
  /* Each nullable; a client with none only keeps the loop (and so its
   * context's dispatch) running. */
  void (*phase[JA_MEDIA_LOOP_PHASES]) (gpointer data, gint64 now_us);
} JaMediaLoopFuncs;

/* funcs must outlive the client. The first tick runs at the next 20 ms
 * boundary of the loop (within 20 ms). Any thread but the media thread. */
void ja_media_loop_add (const JaMediaLoopFuncs *funcs, gpointer data);
/* Once this returns, no phase of data runs. Any thread but the
 * media thread. */
void ja_media_loop_remove (gpointer data);

/* (transfer none) The context the media thread dispatches at the start of
 * every tick, never blocking on it. Sources attached there run on the media
 * thread at most 20 ms after they became ready, and only while the loop
 * has a client. */
GMainContext *ja_media_loop_get_context (void);

/* Excludes the media thread's work (recursive). */
void ja_media_loop_lock (void);
void ja_media_loop_unlock (void);

gboolean ja_media_loop_in_thread (void);

G_END_DECLS
