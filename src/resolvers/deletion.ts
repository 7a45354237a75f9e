export interface Deletion {
  deletedId: string;
  deletionId: string;
}
