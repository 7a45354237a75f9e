/** What every delete answers: the row's id and the deletion that took it (restore undoes exactly that). */
export interface Deletion {
  deletedId: string;
  deletionId: string;
}
