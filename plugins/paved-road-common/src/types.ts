/**
 * One run of a golden-path template that produced an entity.
 *
 * @public
 */
export interface ScaffoldEvent {
  id: string;
  templateRef: string;
  templateVersion?: string;
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
  templateRef: string;
  scaffolds: number;
  hoursSaved: number;
  /** Scaffold counts per template version. */
  versions: Record<string, number>;
  lastScaffoldedAt: string;
}
