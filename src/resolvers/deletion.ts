/** What a delete answers: the row's id and the deletion that took it (and its cascade); restore takes the id. */
export interface Deletion {
  deletedId: string;
  deletionId: string;
}
