import { filesOf, fileKeyOf, markFiles } from '../../../../nodes/common/record/recordFiles';

const file = (id: number, title: string) => ({ id, title, pureContentLength: 10 });

describe('recordFiles', () => {
	test('lists each file of the history once', () => {
		const history = [
			{ id: 1, files: [file(5, 'a.txt'), file(6, 'b.png')] },
			{ id: 2, files: [file(5, 'a.txt')] },
			{ id: 3 },
		];
		expect(filesOf(history).map((f) => f.id)).toEqual([5, 6]);
	});

	test('marks each file with its binary property when downloaded, and always with its file key', () => {
		const history = [{ id: 1, files: [file(5, 'a.txt')] }];
		const binary = { file_5: { data: '', mimeType: 'text/plain' } };
		expect(markFiles(12, history, binary)[0].files).toEqual([
			{ ...file(5, 'a.txt'), binaryProperty: 'file_5', fileKey: '12-5-a.txt' },
		]);
		expect(markFiles(12, history)[0].files).toEqual([
			{ ...file(5, 'a.txt'), fileKey: '12-5-a.txt' },
		]);
		expect(fileKeyOf(12, file(5, 'a.txt'))).toBe('12-5-a.txt');
	});
});
