/**
 * Server-side sync state of message delta queries. Like Exchange, the simulator keeps the state
 * and hands out opaque tokens: a `$deltatoken` names the state at the end of a round, a
 * `$skiptoken` names one page of a round in progress. Both live in a size-bounded cache, so old
 * tokens fall out (Outlook delta tokens have no fixed lifetime; they are evicted from a cache).
 */
import { randomBytes } from 'node:crypto';

export type ChangeType = 'created' | 'updated' | 'deleted';

export interface SyncState {
  mailboxGuid: string;
  folderId: string;
  /** Mailbox version when the round that produced this state was computed. */
  watermark: number;
  /** Messages the client has received: immutable ID to the regular ID it last got. */
  known: Map<string, string>;
  select: string[] | undefined;
  changeTypes: Set<ChangeType> | undefined;
  /** `$filter=receivedDateTime ge|gt {value}` of the initial request. */
  receivedFilter: { operator: 'ge' | 'gt'; time: number } | undefined;
  pageSize: number;
}

export type DeltaEntry =
  | { kind: 'created'; immutableId: string; restId: string }
  | { kind: 'updated'; immutableId: string; restId: string; changed: string[] }
  | { kind: 'removed'; immutableId: string; restId: string };

export interface DeltaRound {
  id: string;
  entries: DeltaEntry[];
  /** The state the round's deltaLink will name. */
  next: SyncState;
  /** The round starts with an empty page that only carries a nextLink. */
  leadingEmptyPage: boolean;
  deltaToken: string | undefined;
}

interface PagePointer {
  roundId: string;
  /** Index of the first entry on the page; -1 is the leading empty page. */
  offset: number;
}

/** Entries kept per cache before the oldest are evicted. */
const CACHE_LIMIT = 20_000;

function newToken(): string {
  return randomBytes(36).toString('base64url');
}

function putBounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  while (map.size > CACHE_LIMIT) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

export class DeltaRegistry {
  private readonly states = new Map<string, SyncState>();
  private readonly rounds = new Map<string, DeltaRound>();
  private readonly pages = new Map<string, PagePointer>();

  findState(token: string): SyncState | undefined {
    return this.states.get(token);
  }

  startRound(entries: DeltaEntry[], next: SyncState, leadingEmptyPage: boolean): DeltaRound {
    const round: DeltaRound = { id: newToken(), entries, next, leadingEmptyPage, deltaToken: undefined };
    putBounded(this.rounds, round.id, round);
    return round;
  }

  /** Creates a skip token for the page of `round` that starts at `offset`. */
  pageToken(round: DeltaRound, offset: number): string {
    const token = newToken();
    putBounded(this.pages, token, { roundId: round.id, offset });
    return token;
  }

  findPage(token: string): { round: DeltaRound; offset: number } | undefined {
    const pointer = this.pages.get(token);
    const round = pointer === undefined ? undefined : this.rounds.get(pointer.roundId);
    if (pointer === undefined || round === undefined) return undefined;
    return { round, offset: pointer.offset };
  }

  /** The round's delta token; asking twice (a repeated last page) returns the same token. */
  finishRound(round: DeltaRound): string {
    if (round.deltaToken !== undefined && this.states.has(round.deltaToken)) return round.deltaToken;
    round.deltaToken = newToken();
    putBounded(this.states, round.deltaToken, round.next);
    return round.deltaToken;
  }

  evictToken(token: string): void {
    this.states.delete(token);
    const pointer = this.pages.get(token);
    if (pointer !== undefined) this.rounds.delete(pointer.roundId);
    this.pages.delete(token);
  }

  /** Drops every token, or those of one mailbox; returns how many delta and skip tokens went. */
  evictAll(mailboxGuid?: string): number {
    let evicted = 0;
    for (const [token, state] of this.states) {
      if (mailboxGuid !== undefined && state.mailboxGuid !== mailboxGuid) continue;
      this.states.delete(token);
      evicted++;
    }
    for (const [token, pointer] of this.pages) {
      const round = this.rounds.get(pointer.roundId);
      if (mailboxGuid !== undefined && round !== undefined && round.next.mailboxGuid !== mailboxGuid) continue;
      this.pages.delete(token);
      this.rounds.delete(pointer.roundId);
      evicted++;
    }
    return evicted;
  }
}
