/* media-loop.h — the process's media threads. There are as many as the
 * machine has CPUs (JINGLE_AGENT_MEDIA_THREADS overrides; started as they
 * get their first client, never joined). Each wakes every 20 ms (absolute
 * deadlines on CLOCK_MONOTONIC), first dispatches its own GMainContext
 * without blocking — the receive sockets of the calls that moved there, so
 * one poll per tick for all of them instead of one main-loop wake-up per
 * packet — then runs its clients' ticks (in phases, see below). A new
 * working client (one with a phase) goes to the busiest thread that stays
 * under half of its tick with it (each thread measures the share of the
 * 20 ms its ticks take), else to the least busy: calls are packed on few
 * threads while those keep up (warm caches, fewer wake-ups) and spread
 * when they would not. A client may instead join another's thread (by
 * its context): a call's engine and its transport share one thread.
 *
 * Whatever a media thread may touch is torn down under
 * ja_media_loop_lock(): while it is held no tick or dispatch runs on any
 * of them. */
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
  /* Each nullable; a client with none only keeps its thread (and so its
   * context's dispatch) running, and does not count as working. */
  void (*phase[JA_MEDIA_LOOP_PHASES]) (gpointer data, gint64 now_us);
} JaMediaLoopFuncs;

/* funcs must outlive the client. near: NULL, or the context of the thread
 * to join (as returned for another client). Returns (transfer none, valid
 * for the process's life) the context of the thread that took it. The
 * first tick runs at that thread's next 20 ms boundary. Any thread but a
 * media thread. */
GMainContext *ja_media_loop_add (const JaMediaLoopFuncs *funcs,
    gpointer data, GMainContext *near);
/* Once this returns, no phase of data runs. Any thread but a media
 * thread. */
void ja_media_loop_remove (gpointer data);

/* Excludes every media thread's work (recursive). */
void ja_media_loop_lock (void);
void ja_media_loop_unlock (void);

/* Whether the caller is one of the media threads. */
gboolean ja_media_loop_in_thread (void);
/* (transfer none) The context of the media thread the caller is, or NULL
 * when it is none. */
GMainContext *ja_media_loop_thread_context (void);
/* How many media threads the process may run (>= 1). */
guint ja_media_loop_n_threads (void);

G_END_DECLS
