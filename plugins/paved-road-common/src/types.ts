/**
 * One run of a golden-path template that produced an entity.
 *
 * @public
 */
export interface ScaffoldEvent {
  /** Assigned by the backend when the event is recorded. */
  id: string;
  /** The template's entity ref. */
  templateRef: string;
  /** The template version that ran, when known. */
  templateVersion?: string;
  /** The entity the run produced, as an entity ref. */
  entityRef: string;
  /** Hours the template's `backstage.io/time-saved` annotation declares per run. */
  hoursSaved: number;
  /** The user who ran the template, as an entity ref. */
  initiatedBy?: string;
  /** ISO 8601 timestamp of the run. */
  createdAt: string;
}

/**
 * The request body that records a scaffold event.
 *
 * @public
 */
export type ScaffoldEventInput = Omit<ScaffoldEvent, 'id' | 'createdAt'> & {
  createdAt?: string;
};

/**
 * Scaffold counts and hours saved for one template.
 *
 * @public
 */
export interface TemplateAdoption {
  /** The template's entity ref. */
  templateRef: string;
  /** Recorded runs. */
  scaffolds: number;
  /** Hours saved, summed over the recorded runs. */
  hoursSaved: number;
  /** Scaffold counts per template version. */
  versions: Record<string, number>;
  /** ISO 8601 timestamp of the latest recorded run. */
  lastScaffoldedAt: string;
}
